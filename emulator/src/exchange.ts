import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";

import { EXCHANGE_DIRECTORY_ROLES } from "./catalog";
import type { EmulatorContext } from "./context";
import { readBody, sendJson } from "./http";
import { verifyBearer } from "./tokens";

const SUPPORTED_CMDLETS = new Set(["Get-OrganizationConfig", "Get-Mailbox"]);

function exchangeError(res: ServerResponse, status: number, code: string, message: string, requestId: string): void {
  sendJson(res, status, { error: { code, message, details: [], innererror: { "request-id": requestId } } }, { "request-id": requestId });
}

// POST /adminapi/beta/{tenant}/InvokeCommand — the REST endpoint behind Exchange Online PowerShell v3.
export async function invokeCommand(ctx: EmulatorContext, req: IncomingMessage, res: ServerResponse, segment: string, random: () => number = Math.random): Promise<void> {
  const requestId = randomUUID();
  const auth = verifyBearer(ctx, req.headers.authorization, "exchange");
  if (!auth.ok) {
    res.setHeader("www-authenticate", `Bearer client_id="00000002-0000-0ff1-ce00-000000000000", trusted_issuers="00000001-0000-0000-c000-000000000000@*", token_types="app_asserted_user_v1 service_asserted_app_v1", error="invalid_token"`);
    return exchangeError(res, 401, "UnAuthorized", auth.message, requestId);
  }
  const tenant = ctx.state.tenants.get(auth.claims.tid)!;
  const addressed = ctx.state.resolveTenant(segment);
  if (!addressed || addressed.id !== tenant.id) {
    return exchangeError(res, 400, "BadRequest", `The tenant '${segment}' in the URL does not match the token's tenant.`, requestId);
  }
  // Addressed by GUID or a non-initial domain, some tenants fail intermittently; the initial domain is reliable.
  if (segment.toLowerCase() !== tenant.initialDomain && random() < tenant.exchangeNonInitialFailureRate) {
    return exchangeError(res, 401, "UnAuthorized", "UnAuthorized", requestId);
  }
  const roles = auth.claims.roles ?? [];
  if (!roles.includes("Exchange.ManageAsApp")) {
    res.setHeader("www-authenticate", `Bearer client_id="00000002-0000-0ff1-ce00-000000000000", error="invalid_token"`);
    return exchangeError(res, 401, "UnAuthorized", "UnAuthorized", requestId);
  }
  const sp = ctx.state.servicePrincipal(tenant.id, String(auth.claims.appid ?? ""));
  if (!sp || !sp.directoryRoles.some((r) => EXCHANGE_DIRECTORY_ROLES.includes(r))) {
    return exchangeError(
      res,
      403,
      "Forbidden",
      `The role assigned to application ${String(auth.claims.appid)} isn't supported in this scenario. Please check online documentation for assigning correct Directory Roles to Azure AD Application for EXO App-Only Authentication.`,
      requestId,
    );
  }
  let body: unknown;
  try {
    body = JSON.parse(await readBody(req));
  } catch {
    return exchangeError(res, 400, "BadRequest", "The request body is not valid JSON.", requestId);
  }
  const cmdlet = (body as { CmdletInput?: { CmdletName?: unknown } })?.CmdletInput?.CmdletName;
  if (typeof cmdlet !== "string" || !SUPPORTED_CMDLETS.has(cmdlet)) {
    return exchangeError(res, 400, "BadRequest", `The cmdlet '${String(cmdlet)}' is not supported by the sandbox; use one of ${[...SUPPORTED_CMDLETS].join(", ")}.`, requestId);
  }
  const context = `${ctx.exchangeHost}/adminapi/beta/${segment}/$metadata`;
  if (cmdlet === "Get-OrganizationConfig") {
    sendJson(
      res,
      200,
      {
        "@odata.context": `${context}#Collection(Exchange.GenericHashTable)`,
        value: [
          {
            Name: tenant.initialDomain.replace(/\.onmicrosoft\.com$/, ""),
            DisplayName: tenant.displayName,
            Identity: tenant.initialDomain.replace(/\.onmicrosoft\.com$/, ""),
            Guid: tenant.id,
            IsDehydrated: false,
            OAuth2ClientProfileEnabled: true,
          },
        ],
      },
      { "request-id": requestId },
    );
    return;
  }
  sendJson(
    res,
    200,
    {
      "@odata.context": `${context}#Collection(Exchange.GenericHashTable)`,
      value: tenant.users
        .filter((u) => u.mailbox !== "none")
        .map((u) => ({
          UserPrincipalName: u.userPrincipalName,
          DisplayName: u.displayName,
          ExternalDirectoryObjectId: u.id,
          RecipientTypeDetails: u.mailbox === "onprem" ? "MailUser" : "UserMailbox",
        })),
    },
    { "request-id": requestId },
  );
}
