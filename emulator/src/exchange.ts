import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";

import { EXCHANGE_DIRECTORY_ROLES } from "./catalog";
import type { EmulatorContext } from "./context";
import { readBody, sendJson } from "./http";
import type { ScenarioTenant, ScenarioUser } from "./scenario";
import { verifyBearer } from "./tokens";

const SUPPORTED_CMDLETS = new Set(["Get-OrganizationConfig", "Get-Mailbox", "Get-Recipient", "Test-ServicePrincipalAuthorization"]);

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
  const input = (body as { CmdletInput?: { CmdletName?: unknown; Parameters?: unknown } })?.CmdletInput;
  const cmdlet = input?.CmdletName;
  if (typeof cmdlet !== "string" || !SUPPORTED_CMDLETS.has(cmdlet)) {
    return exchangeError(res, 400, "BadRequest", `The cmdlet '${String(cmdlet)}' is not supported by the sandbox; use one of ${[...SUPPORTED_CMDLETS].join(", ")}.`, requestId);
  }
  const parameters = typeof input?.Parameters === "object" && input.Parameters !== null ? (input.Parameters as Record<string, unknown>) : {};
  const answer = runCmdlet(ctx, tenant, cmdlet, parameters);
  if ("notFound" in answer) return exchangeError(res, 404, "", notFoundMessage(answer.notFound, tenant), requestId);
  const context = `${ctx.exchangeHost}/adminapi/beta/${segment}/$metadata`;
  sendJson(res, 200, { "@odata.context": `${context}#Collection(Exchange.GenericHashTable)`, value: answer.rows }, { "request-id": requestId });
}

/**
 * Exchange's error for an identity it cannot resolve, as the REST endpoint relays it (the
 * exception type between bars, then the text): "The operation couldn't be performed because
 * object '<identity>' couldn't be found on '<server>.PROD.OUTLOOK.COM'." — the text Exchange
 * Online PowerShell prints, as quoted in public scripts and client tests; Learn does not publish
 * it. The server name and the HTTP status (404) are modelled.
 */
function notFoundMessage(identity: string, tenant: ScenarioTenant): string {
  const forest = `${tenant.id.slice(0, 4).toUpperCase()}PR01A001.PROD.OUTLOOK.COM`;
  return `|Microsoft.Exchange.Configuration.Tasks.ManagementObjectNotFoundException|The operation couldn't be performed because object '${identity}' couldn't be found on '${forest}'.`;
}

function truthy(value: unknown): boolean {
  return value === true || (typeof value === "string" && value.toLowerCase() === "true");
}

function matchesIdentity(user: ScenarioUser, identity: string): boolean {
  const key = identity.toLowerCase();
  return user.id === key || user.userPrincipalName.toLowerCase() === key || user.displayName.toLowerCase() === key || user.userPrincipalName.split("@")[0]!.toLowerCase() === key;
}

/**
 * How Exchange Online shows a user: a cloud mailbox (also when inactive or soft-deleted, which
 * Get-Mailbox returns only with -InactiveMailboxOnly / -SoftDeletedMailbox, flagged by
 * IsInactiveMailbox / IsSoftDeletedByRemove), an on-premises mailbox as a MailUser (synced from
 * the on-prem organization; its RemoteUserMailbox type is what Exchange Server shows), and no
 * recipient at all for a user without a mailbox.
 * @see https://learn.microsoft.com/powershell/module/exchange/get-mailbox (InactiveMailboxOnly, SoftDeletedMailbox)
 * @see https://learn.microsoft.com/purview/create-and-manage-inactive-mailboxes
 */
function recipientOf(user: ScenarioUser) {
  const base = {
    Name: user.userPrincipalName.split("@")[0],
    DisplayName: user.displayName,
    UserPrincipalName: user.userPrincipalName,
    PrimarySmtpAddress: user.userPrincipalName,
    ExternalDirectoryObjectId: user.id,
  };
  if (user.mailbox === "onprem") return { ...base, RecipientType: "MailUser", RecipientTypeDetails: "MailUser", IsInactiveMailbox: false, IsSoftDeletedByRemove: false };
  return {
    ...base,
    RecipientType: "UserMailbox",
    RecipientTypeDetails: "UserMailbox",
    IsInactiveMailbox: user.mailbox === "inactive",
    IsSoftDeletedByRemove: user.mailbox === "softDeleted",
  };
}

type CmdletAnswer = { rows: unknown[] } | { notFound: string };

function runCmdlet(ctx: EmulatorContext, tenant: ScenarioTenant, cmdlet: string, parameters: Record<string, unknown>): CmdletAnswer {
  const identity = typeof parameters.Identity === "string" && parameters.Identity.trim() ? parameters.Identity.trim() : null;
  if (cmdlet === "Get-OrganizationConfig") {
    const name = tenant.initialDomain.replace(/\.onmicrosoft\.com$/, "");
    return {
      rows: [
        {
          Name: name,
          DisplayName: tenant.displayName,
          Identity: name,
          Guid: tenant.id,
          IsDehydrated: false,
          OAuth2ClientProfileEnabled: true,
          // Real property names; see ews.ts for what they mean today. The allow list is returned only with
          // -RetrieveEwsOperationAccessPolicy, as one comma-separated string, the way Set-OrganizationConfig takes it.
          EwsEnabled: tenant.exchange.ewsEnabled,
          ...(truthy(parameters.RetrieveEwsOperationAccessPolicy) ? { EwsAllowedAppIDs: tenant.exchange.ewsAllowedAppIds?.length ? tenant.exchange.ewsAllowedAppIds.join(",") : null } : {}),
        },
      ],
    };
  }
  if (cmdlet === "Get-Mailbox") {
    // Without a switch, active mailboxes only; an on-prem mailbox is a MailUser, not a mailbox, in Exchange Online.
    // An inactive mailbox is a soft-deleted one kept by a hold: -SoftDeletedMailbox lists it too (flagged IsInactiveMailbox).
    const wanted = truthy(parameters.InactiveMailboxOnly) ? ["inactive"] : truthy(parameters.SoftDeletedMailbox) ? ["softDeleted", "inactive"] : ["cloud"];
    const mailboxes = tenant.users.filter((u) => wanted.includes(u.mailbox) && (!identity || matchesIdentity(u, identity)));
    if (identity && mailboxes.length === 0) return { notFound: identity };
    return { rows: mailboxes.map(recipientOf) };
  }
  if (cmdlet === "Get-Recipient") {
    const softDeleted = truthy(parameters.IncludeSoftDeletedRecipients);
    const recipients = tenant.users.filter(
      // An inactive mailbox is a soft-deleted one kept by a hold: both are hidden without the switch.
      (u) => u.mailbox !== "none" && ((u.mailbox !== "softDeleted" && u.mailbox !== "inactive") || softDeleted) && (!identity || matchesIdentity(u, identity)),
    );
    if (identity && recipients.length === 0) return { notFound: identity };
    return { rows: recipients.map(recipientOf) };
  }
  // Test-ServicePrincipalAuthorization -Identity <app> [-Resource <mailbox>]
  // @see https://learn.microsoft.com/powershell/module/exchange/test-serviceprincipalauthorization
  if (!identity) return { notFound: "" };
  const sp = [...ctx.state.apps.keys()].map((clientId) => ctx.state.servicePrincipal(tenant.id, clientId)).find((p) => p && (p.appId === identity.toLowerCase() || p.id === identity.toLowerCase()));
  if (!sp) return { notFound: identity };
  const resource = typeof parameters.Resource === "string" && parameters.Resource.trim() ? parameters.Resource.trim() : null;
  const target = resource ? tenant.users.find((u) => matchesIdentity(u, resource) && u.mailbox !== "none") : undefined;
  if (resource && !target) return { notFound: resource };
  const rows = tenant.exchange.applicationRbac
    .filter((a) => a.clientId === sp.appId)
    .map((a) => ({
      RoleName: `Application ${a.permission}`,
      GrantedPermissions: a.permission,
      AllowedResourceScope: a.scopeName ?? `${ctx.state.apps.get(a.clientId)?.scenario.displayName ?? a.clientId} mailboxes`,
      ScopeType: "CustomRecipientScope",
      InScope: target ? a.mailboxes.includes(target.userPrincipalName.toLowerCase()) : null,
    }));
  return { rows };
}
