import { describe, expect, it } from "vitest";

import { diagnose } from "@/lib/diagnosis/diagnose";
import { failureFacts, type FailureFacts } from "@/lib/diagnosis/facts";
import { FINDING_IDS, type Finding, type FindingId } from "@/lib/diagnosis/finding";
import { RETIRED_EXCHANGE_CLIENT_ID } from "@/lib/diagnosis/rules/identity";
import { MICROSOFT_ERROR_TEXTS } from "../../fixtures/microsoft-error-texts";

/** Microsoft's text for a key of the fixture (each entry names the page or report it was copied from). */
const ms = (key: string): string => {
  const entry = MICROSOFT_ERROR_TEXTS.find((e) => e.key === key);
  if (!entry) throw new Error(`no fixture text ${key}`);
  return entry.text;
};

const APP = "5e0c1d2a-7b3f-4c59-9a8e-0d6f2b4c8a17";
const token = (status: number | null, error: string, key: string, extra: Partial<FailureFacts> = {}) =>
  failureFacts({ probe: "token", status, code: error, message: ms(key), context: { clientId: APP }, ...extra });
const graph = (f: Partial<FailureFacts>) => failureFacts({ probe: "organization", permission: "Organization.Read.All", tokenRoles: ["Organization.Read.All", "User.Read.All", "Mail.Read"], ...f });
const mail = (f: Partial<FailureFacts>) => graph({ probe: "mail", permission: "Mail.Read", ...f, context: { mailbox: "pradeep@northwind.example", ...f.context } });
const NOT_SERVED = { status: 404, code: "MailboxNotEnabledForRESTAPI", message: null as string | null };
const current = () => ({ ...NOT_SERVED, message: ms("graph.MailboxNotEnabledForRESTAPI.current") });
const legacy = () => ({ ...NOT_SERVED, message: ms("graph.MailboxNotEnabledForRESTAPI.legacy") });
const IIS_2000001 = `2019-05-13 09:12:44 10.0.0.5 GET /api/v2.0/Users('pradeep@northwind.example')/messages $top=1 443 - 10.0.0.9 Microsoft+Office/16.0 - 401 0 0 15 x-ms-diagnostics:+2000001;reason="This+token+profile+'V1S2SAppOnly'+is+not+applicable+for+the+current+protocol.";error_category="invalid_token"`;

// Texts come from tests/fixtures/microsoft-error-texts.ts, which names the source of each;
// the seed-003 Exchange addressing text is the one the issue quotes from the seeds.
const CASES: [string, FailureFacts, FindingId, Partial<Finding>?][] = [
  ["AADSTS7000215 secret ID instead of value", token(401, "invalid_client", "aadsts.7000215"), "secret_invalid", { actor: "partner" }],
  ["AADSTS7000222 expired secret", token(401, "invalid_client", "aadsts.7000222"), "secret_expired", { actor: "partner" }],
  ["AADSTS7000229 no service principal", token(401, "invalid_client", "aadsts.7000229"), "not_consented", { reconsent: true, actor: "customer_admin" }],
  ["AADSTS700016 for the app's own ID", failureFacts({ probe: "token", status: 400, code: "unauthorized_client", message: ms("aadsts.700016").replace("'xxxx' was not found", `'${APP}' was not found`), context: { clientId: APP } }), "app_not_found", { reconsent: true }],
  ["AADSTS700016 naming another client ID", failureFacts({ probe: "token", status: 400, code: "unauthorized_client", message: ms("aadsts.700016").replace("'xxxx' was not found", "'11111111-2222-3333-4444-555555555555' was not found"), context: { clientId: APP } }), "client_id_mismatch", { actor: "partner" }],
  ["AADSTS700016 for a single-tenant app", token(400, "unauthorized_client", "aadsts.700016", { context: { signInAudience: "AzureADMyOrg" } }), "app_single_tenant", { actor: "partner" }],
  ["AADSTS65001 consent not visible", token(400, "invalid_grant", "aadsts.65001"), "consent_replicating", { transient: true }],
  ["AADSTS700027 certificate not registered", token(401, "invalid_client", "aadsts.700027"), "certificate_not_registered", { actor: "partner" }],
  ["AADSTS700021 assertion for another app", token(401, "invalid_client", "aadsts.700021"), "certificate_not_registered"],
  ["AADSTS700024 clock", token(401, "invalid_client", "aadsts.700024"), "assertion_clock", { actor: "partner" }],
  ["AADSTS700025 public client", token(401, "invalid_client", "aadsts.700025"), "public_client", { actor: "partner" }],
  ["AADSTS7000112 app disabled", token(400, "unauthorized_client", "aadsts.7000112"), "app_disabled", { actor: "customer_admin" }],
  ["AADSTS53003 Conditional Access", token(400, "access_denied", "aadsts.53003"), "conditional_access_blocked", { actor: "customer_admin" }],
  ["AADSTS90002 tenant not found", token(400, "invalid_tenant", "aadsts.90002"), "tenant_not_found"],
  // Consentry reads the host-wide metadata: that failure is about the host, never one tenant.
  ["msal-node's endpoints_resolution_error is not a missing tenant", failureFacts({ probe: "token", status: 404, code: "endpoints_resolution_error", message: "The identity platform's OpenID metadata could not be read (HTTP 404)." }), "unknown", { known: false }],
  ["AADSTS500011 for Exchange Online", failureFacts({ probe: "exchange-token", status: 400, code: "invalid_resource", message: ms("aadsts.500011").replace("{id} was not found", "https://outlook.office365.com was not found") }), "resource_not_found", { title: "This tenant has no Exchange Online" }],
  ["the retired Exchange Online PowerShell client", failureFacts({ probe: "token", status: 400, code: "unauthorized_client", message: ms("aadsts.700016"), context: { clientId: RETIRED_EXCHANGE_CLIENT_ID } }), "retired_exchange_client", { since: "2024-03" }],
  ["a token for another tenant", failureFacts({ probe: "token", status: 200, code: "tid_mismatch", message: "Token tid a, expected b." }), "tid_mismatch"],
  ["a token without roles", failureFacts({ probe: "token", status: 200, code: "roles_missing", message: "The token has no roles claim.", tokenRoles: [] }), "roles_missing_in_token", { reconsent: true }],
  ["403 without the role in the token", graph({ status: 403, code: "Authorization_RequestDenied", message: "Insufficient privileges to complete the operation.", tokenRoles: ["User.Read.All"] }), "permission_not_granted", { reconsent: true }],
  ["403 on a mailbox with the role in the token", mail({ status: 403, code: "ErrorAccessDenied", message: "Access is denied. Check credentials and try again." }), "role_present_call_denied"],
  ["application access policy ([RAOP])", mail({ status: 403, code: "ErrorAccessDenied", message: ms("graph.ErrorAccessDenied.application-access-policy.raop") }), "access_policy_denies"],
  ["application access policy (documented text)", mail({ status: 403, code: "ErrorAccessDenied", message: ms("graph.ErrorAccessDenied.application-access-policy.documented") }), "access_policy_denies"],
  [
    "RBAC for Applications scope excludes the mailbox",
    mail({ status: 403, code: "ErrorAccessDenied", message: "Access is denied. Check credentials and try again.", tokenRoles: ["User.Read.All"], context: { rbacAssignments: [{ roleName: "Application Mail.Read", grantedPermissions: "Mail.Read", scope: "Canadian Employees", inScope: false }] } }),
    "rbac_scope_excludes_mailbox",
  ],
  ["hybrid preview text is not an access policy", mail({ status: 403, code: "ErrorAccessDenied", message: `Access is denied. ${ms("graph.hybrid.preview-unsupported-api")}` }), "mailbox_rest_preview", { since: "2023-03" }],
  ["MailboxNotEnabledForRESTAPI, today's text, nothing else known", mail(current()), "mailbox_not_enabled"],
  ["MailboxNotEnabledForRESTAPI, older text", mail(legacy()), "mailbox_not_enabled"],
  ["not served + a synced user: probably on-premises", mail({ ...current(), context: { onPremisesSyncEnabled: true } }), "mailbox_on_premises", { since: "2023-03", title: "The test mailbox (pradeep@northwind.example) is probably on an on-premises Exchange server" }],
  ["not served + Exchange's RemoteUserMailbox is no on-prem proof", mail({ ...current(), context: { recipientTypeDetails: "RemoteUserMailbox" } }), "mailbox_not_enabled"],
  ["not served, Exchange's lookups failed: says why it cannot tell", mail({ ...current(), context: { exchangeLookup: "failed" } }), "mailbox_not_enabled"],
  ["not served + Exchange says MailUser", mail({ ...legacy(), context: { recipientTypeDetails: "MailUser", onPremisesSyncEnabled: true } }), "mailbox_on_premises"],
  ["not served + inactive", mail({ ...current(), context: { recipientTypeDetails: "UserMailbox", isInactiveMailbox: true } }), "mailbox_inactive"],
  ["not served + soft-deleted", mail({ ...current(), context: { softDeleted: true } }), "mailbox_soft_deleted"],
  ["not served + no licence", mail({ ...legacy(), context: { onPremisesSyncEnabled: false, licensed: false } }), "mailbox_unlicensed"],
  ["EWS ErrorNonExistentMailbox for a synced user", failureFacts({ probe: "ews", permission: "full_access_as_app", status: 500, code: "ErrorNonExistentMailbox", message: "The SMTP address has no mailbox associated with it.", tokenRoles: ["full_access_as_app"], context: { onPremisesSyncEnabled: true } }), "mailbox_on_premises"],
  ["pre-2023 hybrid: 500 UnknownError for a synced user", mail({ status: 500, code: "UnknownError", message: "", context: { onPremisesSyncEnabled: true } }), "mailbox_on_premises"],
  ["a user that does not exist", mail({ status: 404, code: "ErrorInvalidUser", message: "The requested user 'x@y' is invalid." }), "test_mailbox_missing", { actor: "partner" }],
  ["IIS log: 2000001 V1S2SAppOnly", failureFacts({ text: IIS_2000001 }), "hybrid_profile_missing"],
  ["x-ms-diagnostics 2000008 (Graph partner application)", mail({ status: 401, code: "InvalidAuthenticationToken", headers: { "x-ms-diagnostics": ms("exchange-onprem.x-ms-diagnostics.2000008") } }), "hybrid_partner_app_permissions", { unsupported: true }],
  ["IIS log: Exchange's OAuth challenge alone", failureFacts({ text: `WWW-Authenticate: ${ms("exchange-onprem.www-authenticate.iis-log")}` }), "hybrid_oauth_rejected"],
  ["Exchange: Exchange.ManageAsApp missing", failureFacts({ probe: "exchange", permission: "Exchange.ManageAsApp", status: 401, code: "UnAuthorized", message: "UnAuthorized", tokenRoles: ["full_access_as_app"] }), "exchange_role_missing", { reconsent: true }],
  ["Exchange: no directory role", failureFacts({ probe: "exchange", permission: "Exchange.ManageAsApp", status: 403, code: "Forbidden", message: ms("exchange.unsupported-directory-role"), tokenRoles: ["Exchange.ManageAsApp"] }), "exchange_directory_role_missing"],
  ["Exchange: no management roles (V2 module text)", failureFacts({ text: ms("exchange.no-management-roles.legacy") }), "exchange_directory_role_missing"],
  ["Exchange: not allowed to call a cmdlet", failureFacts({ probe: "exchange", status: 401, code: "Unauthorized", message: ms("exchange.rest.cmdlet-not-allowed"), tokenRoles: ["Exchange.ManageAsApp"] }), "exchange_directory_role_missing"],
  ["Exchange: write permission to target DC, even as a 500", failureFacts({ probe: "exchange", status: 500, code: "InternalServerError", message: ms("exchange.InsufficientPermissionsException.targetDC"), tokenRoles: ["Exchange.ManageAsApp"] }), "exchange_addressing"],
  ["Exchange: ADOperationException cli_NspiBind (seed 003)", failureFacts({ text: "ADOperationException: Active Directory operation failed on . … cli_NspiBind" }), "exchange_addressing"],
  ["Exchange: 401 when addressed by GUID", failureFacts({ probe: "exchange", status: 401, code: "UnAuthorized", message: "UnAuthorized", tokenRoles: ["Exchange.ManageAsApp"], context: { exchangeAddressedBy: "other", initialDomain: "contoso.onmicrosoft.com" } }), "exchange_addressing"],
  ["EWS disabled (X-EWS-Policy-Reason)", failureFacts({ probe: "ews", status: 403, headers: { "X-EWS-Policy-Reason": ms("ews.disabled") } }), "ews_blocked", { since: "2026-10" }],
  ["EWS blocked by policy", failureFacts({ probe: "ews", status: 403, headers: { "x-ews-policy-reason": ms("ews.blocked") } }), "ews_blocked"],
  ["EWS 403 with the app not allow-listed", failureFacts({ probe: "ews", status: 403, context: { clientId: APP, ewsEnabled: true, ewsAllowedAppIds: ["11111111-2222-3333-4444-555555555555"] } }), "ews_blocked"],
  ["EWS 403 with EwsEnabled not set proves nothing", failureFacts({ probe: "ews", status: 403, context: { clientId: APP, ewsEnabled: null } }), "unknown", { known: false }],
  ["EWS ErrorAccessDenied with the role in the token", failureFacts({ probe: "ews", permission: "full_access_as_app", status: 500, code: "ErrorAccessDenied", message: "Access is denied. Check credentials and try again.", tokenRoles: ["full_access_as_app"], context: { mailbox: "tom@treyresearch.onmicrosoft.com" } }), "role_present_call_denied"],
  ["2000001 with another reason of Exchange's OAuth module", failureFacts({ text: 'x-ms-diagnostics: 2000001;reason="OAuth token submitted with the request cannot be parsed.";error_category="invalid_token"' }), "hybrid_oauth_rejected"],
  ["the Exchange admin API's 401 naming Exchange's partner application is not about EWS", failureFacts({ probe: "exchange", status: 401, code: "UnAuthorized", message: "UnAuthorized", tokenRoles: ["Exchange.ManageAsApp"], headers: { "x-ms-diagnostics": "2000008;reason=\"The token should have valid permissions or linked account associated with partner application '00000002-0000-0ff1-ce00-000000000000'.\"" } }), "unknown", { known: false }],
  ["EWS without full_access_as_app", failureFacts({ probe: "ews", status: 401, headers: { "x-ms-diagnostics": "2000008;reason=\"The token should have valid permissions or linked account associated with partner application '00000002-0000-0ff1-ce00-000000000000'.\";error_category=\"invalid_grant\"" }, tokenRoles: [] }), "ews_role_missing"],
  ["SharePoint refuses a secret's token", failureFacts({ probe: "sharepoint-web", status: 401, code: "invalid_token", message: "Unsupported app only token." }), "sharepoint_needs_certificate", { actor: "partner" }],
  ["429", graph({ status: 429, code: "TooManyRequests", message: "Too many requests.", headers: { "retry-after": "1.5" } }), "throttled", { transient: true }],
  ["Graph 503", graph({ status: 503, code: "serviceNotAvailable", message: "The service is temporarily unavailable." }), "service_unavailable", { transient: true }],
  ["a timeout", graph({ transport: "timeout", code: "timeout", message: "Microsoft Graph did not answer in time." }), "service_unavailable", { transient: true }],
  ["the token endpoint's 503 without an AADSTS code", failureFacts({ probe: "token", status: 503, code: "invalid_response", message: "The identity platform answered HTTP 503 without a JSON body." }), "service_unavailable", { transient: true }],
  ["an invented AADSTS code", failureFacts({ probe: "token", status: 400, code: "invalid_request", message: "AADSTS999999: Something Microsoft adds one day." }), "unknown", { known: false }],
];

describe("diagnose", () => {
  it.each(CASES)("%s", (_name, facts, id, expected) => {
    const finding = diagnose(facts);
    expect(finding.id).toBe(id);
    expect(finding.known).toBe(id !== "unknown");
    expect(finding.evidence.length).toBeGreaterThan(0);
    expect(finding.fix.length).toBeGreaterThan(20);
    if (expected) expect(finding).toMatchObject(expected);
  });

  it("has a case for every finding it can give", () => {
    const covered = new Set(CASES.map(([, , id]) => id));
    expect(FINDING_IDS.filter((id) => !covered.has(id))).toEqual([]);
  });

  it.each([
    ["AADSTS700025", 700025],
    ["AADSTS7000112", 7000112],
    ["AADSTS53003", 53003],
    ["AADSTS700027", 700027],
    ["AADSTS500011", 500011],
    ["AADSTS999999", 999999],
  ])("never calls a token failure with an AADSTS code an outage (%s, even as a 5xx)", (_code, n) => {
    for (const status of [400, 401, 500, 503, null]) {
      const finding = diagnose(failureFacts({ probe: "token", status, code: "server_error", message: `AADSTS${n}: text` }));
      expect(finding.id).not.toBe("service_unavailable");
      expect(finding.transient ?? false).toBe(false);
    }
  });

  it.each([
    ["a cmdlet's error as a 500", failureFacts({ probe: "exchange", status: 500, code: "InternalServerError", message: "|Microsoft.Exchange.Configuration.Tasks.ManagementObjectNotFoundException|The operation couldn't be performed because object 'x' couldn't be found." })],
    ["a 500 whose source is not known", failureFacts({ status: 500, code: "SomethingSpecific", message: "A specific failure." })],
    ["a bare 500 whose source is not known", failureFacts({ status: 500 })],
    ["a 501", failureFacts({ status: 501, code: "NotImplemented" })],
    ["a pasted PowerShell error with a 500", failureFacts({ status: 500, text: "Write-ErrorMessage : |Microsoft.Exchange.Configuration.Tasks.ManagementObjectNotFoundException|The operation couldn't be performed." })],
    ["a mailbox's 500 UnknownError (the old hybrid proxy's answer) with nothing more known", mail({ status: 500, code: "UnknownError", message: "" })],
    ["a token endpoint 400 without an AADSTS code", failureFacts({ probe: "token", status: 400, code: "invalid_request", message: "Something unexpected." })],
  ])("never calls %s an outage", (_name, facts) => {
    const finding = diagnose(facts);
    expect(finding.id).not.toBe("service_unavailable");
    expect(finding.transient ?? false).toBe(false);
  });

  it("calls an unrecognised Graph answer unknown, never an outage", () => {
    const finding = diagnose(graph({ status: 418, code: "Teapot", message: "I'm a teapot" }));
    expect(finding).toMatchObject({ id: "unknown", known: false });
    expect(finding.transient).toBeUndefined();
    expect(finding.evidence).toContain("Error code: Teapot");
  });

  it("quotes the on-premises diagnostics and says which era they belong to", () => {
    const finding = diagnose(failureFacts({ text: IIS_2000001 }));
    expect(finding.evidence.join("\n")).toContain("V1S2SAppOnly");
    expect(finding.fix).toMatch(/March 2023/);
    expect(finding.docs).toContain("https://learn.microsoft.com/graph/hybrid-rest-support");
  });

  it("links Microsoft's page and dates the EWS block", () => {
    const finding = diagnose(failureFacts({ probe: "ews", status: 403, headers: { "x-ews-policy-reason": ms("ews.blocked") } }));
    expect(finding.fix).toMatch(/October 2026/);
    expect(finding.fix).toMatch(/2027-04-01/);
    expect(finding.fix).toMatch(/Graph/);
    expect(finding.evidence).toContain(`X-EWS-Policy-Reason: ${ms("ews.blocked")}`);
  });
});
