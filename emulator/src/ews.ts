import { createHash, randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";

import type { EmulatorContext } from "./context";
import { readBody } from "./http";
import type { ScenarioTenant } from "./scenario";
import { verifyBearer } from "./tokens";

const SOAP = "http://schemas.xmlsoap.org/soap/envelope/";
const MESSAGES = "http://schemas.microsoft.com/exchange/services/2006/messages";
const TYPES = "http://schemas.microsoft.com/exchange/services/2006/types";

/** Exchange's partner application, as EWS names it when an app-only token lacks full_access_as_app. */
const NO_EWS_ROLE =
  "2000008;reason=\"The token should have valid permissions or linked account associated with partner application '00000002-0000-0ff1-ce00-000000000000'.\";error_category=\"invalid_grant\"";

function sendXml(res: ServerResponse, status: number, xml: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { "content-type": "text/xml; charset=utf-8", "request-id": randomUUID(), ...headers });
  res.end(xml);
}

function fault(code: string, message: string): string {
  return `<?xml version="1.0" encoding="utf-8"?><s:Envelope xmlns:s="${SOAP}"><s:Body><s:Fault><faultcode xmlns:a="${TYPES}">a:${code}</faultcode><faultstring xml:lang="en-US">${message}</faultstring><detail><e:ResponseCode xmlns:e="${MESSAGES}/errors">${code}</e:ResponseCode><e:Message xmlns:e="${MESSAGES}/errors">${message}</e:Message></detail></s:Fault></s:Body></s:Envelope>`;
}

function folderAnswer(folderId: string): string {
  return `<?xml version="1.0" encoding="utf-8"?><s:Envelope xmlns:s="${SOAP}"><s:Header><h:ServerVersionInfo MajorVersion="15" MinorVersion="20" xmlns:h="${TYPES}"/></s:Header><s:Body><m:GetFolderResponse xmlns:m="${MESSAGES}" xmlns:t="${TYPES}"><m:ResponseMessages><m:GetFolderResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode><m:Folders><t:Folder><t:FolderId Id="${folderId}" ChangeKey="AQAAABYAAAA"/></t:Folder></m:Folders></m:GetFolderResponseMessage></m:ResponseMessages></m:GetFolderResponse></s:Body></s:Envelope>`;
}

/**
 * Exchange Online's EWS switch today. Since 2026-10-01 EWS answers only apps that a tenant
 * allows: `EwsEnabled` True and the app's ID in `EwsAllowedAppIDs` (Set-OrganizationConfig:
 * "When EwsEnabled is $true, only applications specified by this parameter can access EWS.
 * When EwsEnabled is $false, all EWS access is blocked regardless of this parameter."). Tenants
 * that had not set EwsEnabled were switched to False on 2026-10-01; `null` is treated the same.
 * EWS in Exchange Online is switched off for good on 2027-04-01.
 * @see https://learn.microsoft.com/powershell/module/exchange/set-organizationconfig (EwsAllowedAppIDs)
 * @see the Exchange Team blog "Exchange Online EWS, Your Time is Almost Up" (its table, quoted at
 *      https://www.neowin.net/forum/topic/1463574-exchange-online-ews-is-dying-here-is-what-it-admins-can-do-to-prepare/)
 * @see https://particlenews.net/story/microsoft-sets-phaseout-of-exchange-online-ews-blocking-in-october-2026-and-ending-april-2027
 */
export function ewsAllowedFor(tenant: ScenarioTenant, appId: string): boolean {
  return tenant.exchange.ewsEnabled === true && (tenant.exchange.ewsAllowedAppIds ?? []).includes(appId.toLowerCase());
}

/**
 * EWS `POST /EWS/Exchange.asmx` with an app-only Exchange token, only `GetFolder`: the
 * token must hold full_access_as_app, the call must impersonate a mailbox
 * (`ExchangeImpersonation`), and the mailbox must be one Exchange Online serves; an
 * application access policy that denies the app applies to EWS too. An app the tenant's EWS
 * settings do not allow gets HTTP 403 with an `X-EWS-Policy-Reason` header and an empty body.
 * @see https://learn.microsoft.com/exchange/client-developer/exchange-web-services/how-to-authenticate-an-ews-application-by-using-oauth
 * @see https://learn.microsoft.com/exchange/client-developer/web-service-reference/getfolder-operation
 */
export async function ewsRequest(ctx: EmulatorContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const auth = verifyBearer(ctx, req.headers.authorization, "exchange");
  const challenge = `Bearer client_id="00000002-0000-0ff1-ce00-000000000000", trusted_issuers="00000001-0000-0000-c000-000000000000@*", token_types="app_asserted_user_v1 service_asserted_app_v1", authorization_uri="${ctx.authorityHost}/common/oauth2/authorize", error="invalid_token"`;
  if (!auth.ok) return sendXml(res, 401, "", { "www-authenticate": challenge, "x-ms-diagnostics": `2000001;reason="${auth.message}";error_category="invalid_token"` });
  if (!(auth.claims.roles ?? []).includes("full_access_as_app")) return sendXml(res, 401, "", { "www-authenticate": challenge, "x-ms-diagnostics": NO_EWS_ROLE });
  const tenant = ctx.state.tenants.get(auth.claims.tid)!;
  if (!ewsAllowedFor(tenant, String(auth.claims.appid ?? ""))) {
    // Exchange names the reason only in X-EWS-Policy-Reason, not in the body.
    // @see https://learn.microsoft.com/exchange/client-developer/exchange-web-services/how-to-control-access-to-ews-in-exchange ("Understand HTTP 403 responses")
    const reason = tenant.exchange.ewsEnabled === true ? "EWS is blocked by policy for this user or tenant" : "EWS is disabled for this user or tenant";
    return sendXml(res, 403, "", { "x-ews-policy-reason": reason });
  }
  const xml = await readBody(req);
  if (!/<(?:\w+:)?GetFolder\b/.test(xml)) return sendXml(res, 500, fault("ErrorInvalidRequest", "The sandbox's EWS answers GetFolder only."));
  const smtp = /<(?:\w+:)?ExchangeImpersonation>[\s\S]*?<(?:\w+:)?SmtpAddress>([^<]+)</.exec(xml)?.[1]?.trim();
  if (!smtp) return sendXml(res, 500, fault("ErrorInvalidExchangeImpersonationHeaderData", "ExchangeImpersonation SOAP header must be present for this type of OAuth token."));
  const user = ctx.state.findUser(tenant, smtp);
  if (!user || user.mailbox !== "cloud" || !user.licensed) return sendXml(res, 500, fault("ErrorNonExistentMailbox", "The SMTP address has no mailbox associated with it."));
  if (tenant.mailboxAccessPolicyDeniesApp) return sendXml(res, 500, fault("ErrorAccessDenied", "Access is denied. Check credentials and try again."));
  const folder = /DistinguishedFolderId\s+Id="([a-z]+)"/i.exec(xml)?.[1] ?? "inbox";
  const id = `AAMk${createHash("sha256").update(`${tenant.id}|${user.id}|${folder}`).digest("base64url").slice(0, 40)}`;
  sendXml(res, 200, folderAnswer(id));
}
