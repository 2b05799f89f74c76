import type { EmulatorContext } from "./context";
import type { GraphResponse } from "./graph";
import type { ScenarioTenant, ScenarioUser } from "./scenario";

/**
 * Graph's answer today for a mailbox Exchange Online does not serve through REST: an
 * on-premises mailbox (since Microsoft ended hybrid REST access in March 2023), an inactive or a
 * soft-deleted one, a user without a mailbox or without an Exchange Online licence.
 * @see https://learn.microsoft.com/graph/hybrid-rest-support
 * @see https://learn.microsoft.com/graph/api/resources/mail-api-overview
 */
export const MAILBOX_NOT_ENABLED_TODAY = "The mailbox is either inactive, soft-deleted, or is hosted on-premise.";
/** The same error code's older text, still what the pre-2023 era answered for no mailbox / no licence. */
export const MAILBOX_NOT_ENABLED_OLDER = "REST API is not yet supported for this mailbox.";

/** What the on-prem Exchange server's OAuth module logged when its V1S2SAppOnly profile was missing. */
export const ON_PREM_PROFILE_MISSING =
  '2000001;reason="This token profile \'V1S2SAppOnly\' is not applicable for the current protocol.";error_category="invalid_token"';
/** … and when the Graph partner application on-prem had no AppOnlyPermissions. */
export const ON_PREM_PARTNER_APP_EMPTY =
  "2000008;reason=\"The token should have valid permissions or linked account associated with partner application '00000003-0000-0000-c000-000000000000'.\";error_category=\"invalid_grant\"";

const ACCESS_DENIED = "Access is denied. Check credentials and try again.";

type GraphError = (status: number, code: string, message: string, extra?: Record<string, string>) => GraphResponse;

export interface MailboxCall {
  tenant: ScenarioTenant;
  /** The caller's app ID (the token's `appid`). */
  appId: string;
  /** The token's roles. */
  roles: Set<string>;
  /** Graph application permissions that let this call through tenant-wide (the permission and its supersets). */
  rule: readonly string[];
  /** The user named in the path, or null when none matches. */
  user: ScenarioUser | null;
  /** The id or UPN as the path gave it. */
  id: string;
  /** The path below /v1.0, for the on-prem server's log. */
  path: string;
  error: GraphError;
}

/** Does an RBAC for Applications assignment give the app this permission on this mailbox? */
export function rbacAllows(tenant: ScenarioTenant, appId: string, permissions: readonly string[], user: ScenarioUser): boolean {
  return tenant.exchange.applicationRbac.some(
    (a) => a.clientId === appId && permissions.includes(a.permission) && a.mailboxes.includes(user.userPrincipalName.toLowerCase()),
  );
}

/**
 * Whether Graph serves this mailbox call, or the error it answers.
 *
 * Authorization: a role in the token (an Entra ID grant) is tenant-wide and RBAC for
 * Applications does not narrow it; without one, an RBAC for Applications assignment for the
 * app's service principal lets the call through for the mailboxes in its resource scope only
 * (403 ErrorAccessDenied for others). "These permission grants are independent of the unscoped
 * grants in Microsoft Entra ID."
 * @see https://learn.microsoft.com/exchange/permissions-exo/application-rbac
 */
export function mailboxAccess(ctx: EmulatorContext, call: MailboxCall): GraphResponse | null {
  const { tenant, user, error } = call;
  const entraGrant = call.rule.some((r) => call.roles.has(r));
  if (!entraGrant) {
    if (!user || !rbacAllows(tenant, call.appId, call.rule, user)) return error(403, "ErrorAccessDenied", ACCESS_DENIED);
  }
  if (!user) return error(404, "ErrorInvalidUser", `The requested user '${call.id}' is invalid.`);
  const preRetirement = tenant.hybrid.restApi === "pre-2023";
  if (user.mailbox === "inactive" || user.mailbox === "softDeleted") return error(404, "MailboxNotEnabledForRESTAPI", MAILBOX_NOT_ENABLED_TODAY);
  if (user.mailbox === "none" || !user.licensed) {
    return error(404, "MailboxNotEnabledForRESTAPI", preRetirement ? MAILBOX_NOT_ENABLED_OLDER : MAILBOX_NOT_ENABLED_TODAY);
  }
  // Application access policies restrict Entra ID grants; RBAC assignments are their replacement.
  if (tenant.mailboxAccessPolicyDeniesApp && entraGrant) {
    return error(403, "ErrorAccessDenied", "Access to OData is disabled: [RAOP] : Blocked by tenant configured AppOnly AccessPolicy settings.");
  }
  if (user.mailbox === "onprem") {
    if (!preRetirement) return error(404, "MailboxNotEnabledForRESTAPI", MAILBOX_NOT_ENABLED_TODAY);
    const diagnostics = !tenant.hybrid.v1s2sAppOnlyProfile ? ON_PREM_PROFILE_MISSING : !tenant.hybrid.partnerAppOnlyPermissions ? ON_PREM_PARTNER_APP_EMPTY : null;
    if (diagnostics) {
      // Graph relayed only a 500; the on-prem server's reason went to its own IIS log.
      ctx.state.appendIisLog(tenant.id, iisLine(ctx, tenant, user, call.path, diagnostics));
      return error(500, "UnknownError", "");
    }
  }
  return null;
}

/** The W3C extended log header of the simulated on-prem IIS log. */
export const IIS_LOG_HEADER = [
  "#Software: Microsoft Internet Information Services 10.0",
  "#Version: 1.0",
  "#Fields: date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) sc-status sc-substatus sc-win32-status time-taken sc(x-ms-diagnostics) sc(WWW-Authenticate)",
].join("\n");

function quoted(value: string): string {
  return `"${value.replace(/"/g, '""')}"`;
}

/** One rejected request as the on-prem Exchange front end's IIS log records it (a model; see the README). */
function iisLine(ctx: EmulatorContext, tenant: ScenarioTenant, user: ScenarioUser, path: string, diagnostics: string): string {
  const at = new Date(ctx.state.clock()).toISOString();
  const [date, time] = [at.slice(0, 10), at.slice(11, 19)];
  const resource = path.split("/").slice(2).join("/") || "messages";
  const stem = `/api/v2.0/Users('${user.userPrincipalName}')/${resource}`;
  const challenge = `Bearer client_id="00000002-0000-0ff1-ce00-000000000000", trusted_issuers="00000001-0000-0000-c000-000000000000@${tenant.id}", token_types="app_asserted_user_v1 service_asserted_app_v1", error="invalid_token"`;
  return [date, time, "10.0.0.10", "GET", stem, "-", "443", "-", "10.0.0.1", "Microsoft+Graph", "401", "0", "0", "15", quoted(diagnostics), quoted(challenge)].join(" ");
}
