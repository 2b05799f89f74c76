import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";

import type { EmulatorContext } from "./context";
import { sendJson } from "./http";
import { verifyBearer } from "./tokens";

/** Application permissions that let an app read the root web through SharePoint's REST API. */
export const SHAREPOINT_READ_ROLES = ["Sites.Read.All", "Sites.FullControl.All"];

/**
 * SharePoint Online REST, `GET /_api/web` of the root site: the sandbox plays every
 * tenant's SharePoint on its own origin and tells tenants apart by the token's `tid`.
 * SharePoint refuses app-only tokens an app got with a client secret ("Unsupported app
 * only token."); it wants a certificate.
 * @see https://learn.microsoft.com/sharepoint/dev/solution-guidance/security-apponly-azuread
 * @see https://techcommunity.microsoft.com/blog/microsoftmissioncriticalblog/avoiding-access-errors-with-sharepoint-app-only-access/4459761
 */
export function sharepointWeb(ctx: EmulatorContext, req: IncomingMessage, res: ServerResponse, query: URLSearchParams): void {
  const headers = { "request-id": randomUUID(), sprequestguid: randomUUID() };
  const auth = verifyBearer(ctx, req.headers.authorization, "sharepoint");
  if (!auth.ok) return sendJson(res, 401, { error_description: auth.message }, { ...headers, "www-authenticate": `Bearer realm="", client_id="00000003-0000-0ff1-ce00-000000000000"` });
  const claims = auth.claims as typeof auth.claims & { appidacr?: string };
  if (claims.idtyp === "app" && claims.appidacr === "1") return sendJson(res, 401, { error_description: "Unsupported app only token." }, headers);
  const roles = auth.claims.roles ?? [];
  if (!SHAREPOINT_READ_ROLES.some((r) => roles.includes(r))) {
    return sendJson(
      res,
      403,
      { "odata.error": { code: "-2147024891, System.UnauthorizedAccessException", message: { lang: "en-US", value: "Access denied. You do not have permission to perform this action or access this resource." } } },
      headers,
    );
  }
  const tenant = ctx.state.tenants.get(auth.claims.tid)!;
  const web: Record<string, unknown> = { Title: "Communication site", Url: ctx.authorityHost, Id: auth.claims.tid, Description: tenant.displayName };
  const wanted = query.get("$select")?.split(",").map((s) => s.trim());
  const body = wanted ? Object.fromEntries(Object.entries(web).filter(([k]) => wanted.includes(k))) : web;
  const nometadata = String(req.headers.accept ?? "").includes("odata=nometadata");
  sendJson(res, 200, nometadata ? body : { "odata.metadata": `${ctx.authorityHost}/_api/$metadata#SP.ApiData.Webs/@Element`, ...body }, headers);
}
