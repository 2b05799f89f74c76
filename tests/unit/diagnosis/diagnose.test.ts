import { describe, expect, it } from "vitest";

import { diagnose, type FailureFacts } from "@/lib/probes/diagnose";
import type { FindingId } from "@/lib/probes/finding";

const ALL_GRAPH = ["Organization.Read.All", "User.Read.All", "Mail.Read"];
const facts = (f: Partial<FailureFacts>): FailureFacts => ({ probe: "organization", permission: "Organization.Read.All", status: 400, code: null, message: null, headers: {}, tokenRoles: ALL_GRAPH, ...f });

// Real error texts, as Microsoft sends them (IDs shortened where they do not matter).
const CASES: [string, FailureFacts, FindingId, Partial<ReturnType<typeof diagnose>>?][] = [
  [
    "AADSTS7000229 (no service principal)",
    facts({ probe: "token", permission: null, status: 401, code: "AADSTS7000229", message: "AADSTS7000229: The client application 5e0c1d2a-7b3f-4c59-9a8e-0d6f2b4c8a17 is missing service principal in the tenant 2f6b8c1d-4e3a-4f5b-9c7d-1a2b3c4d5e01. See instructions here: https://go.microsoft.com/fwlink/?linkid=2225119" }),
    "not_consented",
    { reconsent: true, actor: "customer_admin" },
  ],
  [
    "AADSTS700016 (app not found in directory)",
    facts({ probe: "token", permission: null, code: "unauthorized_client", message: "AADSTS700016: Application with identifier '5e0c1d2a-7b3f-4c59-9a8e-0d6f2b4c8a17' was not found in the directory 'Fabrikam'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant." }),
    "not_consented",
  ],
  ["AADSTS65001 (consent not visible yet)", facts({ probe: "token", permission: null, code: "AADSTS65001", message: "AADSTS65001: The user or administrator has not consented to use the application with ID '5e0c…'." }), "consent_replicating", { transient: true }],
  [
    "AADSTS7000215 (secret ID instead of value)",
    facts({ probe: "token", permission: null, status: 401, code: "AADSTS7000215", message: "AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '5e0c…'." }),
    "secret_invalid",
    { actor: "partner" },
  ],
  ["AADSTS7000222 (expired secret)", facts({ probe: "token", permission: null, status: 401, code: "AADSTS7000222", message: "AADSTS7000222: The provided client secret keys for app '5e0c…' are expired." }), "secret_expired", { actor: "partner" }],
  ["AADSTS700027 (certificate not registered)", facts({ probe: "token", permission: null, status: 401, code: "AADSTS700027", message: "AADSTS700027: The certificate with identifier used to sign the client assertion is not registered on application." }), "certificate_not_registered"],
  ["AADSTS90002 (tenant not found)", facts({ probe: "token", permission: null, status: 400, code: "AADSTS90002", message: "AADSTS90002: Tenant 'contoso.us' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud." }), "tenant_not_found"],
  ["msal-node's endpoints_resolution_error (tenant unknown in this cloud)", facts({ probe: "token", permission: null, status: null, code: "endpoints_resolution_error", message: "Endpoints cannot be resolved" }), "tenant_not_found"],
  ["AADSTS500011 (resource principal missing)", facts({ probe: "exchange-token", permission: null, code: "AADSTS500011", message: "AADSTS500011: The resource principal named https://outlook.office365.com was not found in the tenant named Fabrikam." }), "resource_not_found"],
  ["a token without roles", facts({ probe: "token", permission: null, status: 200, code: "roles_missing", message: "The token has no roles claim." }), "roles_missing_in_token", { reconsent: true }],
  [
    "429 with Retry-After",
    facts({ status: 429, code: "TooManyRequests", message: "Too many requests.", headers: { "retry-after": "1.5" } }),
    "throttled",
    { transient: true },
  ],
  ["503", facts({ status: 503, code: "serviceNotAvailable", message: "The service is temporarily unavailable." }), "service_unavailable"],
  ["a timeout", facts({ status: null, code: "timeout", message: "Microsoft Graph did not answer in time." }), "service_unavailable"],
  [
    "hybrid: V1S2SAppOnly profile missing on-prem",
    facts({
      probe: "mail",
      permission: "Mail.Read",
      status: 401,
      code: "InvalidAuthenticationToken",
      mailbox: "pradeep@northwind.example",
      headers: { "x-ms-diagnostics": "2000001;reason=\"This token profile 'V1S2SAppOnly' is not applicable for the current protocol.\";error_category=\"invalid_token\"" },
    }),
    "hybrid_profile_missing",
    { actor: "customer_admin" },
  ],
  [
    "hybrid: Graph partner application without AppOnlyPermissions",
    facts({
      probe: "mail",
      permission: "Mail.Read",
      status: 401,
      code: "InvalidAuthenticationToken",
      mailbox: "pradeep@northwind.example",
      headers: { "x-ms-diagnostics": "2000008;reason=\"The token should have valid permissions or linked account associated with partner application '00000003-0000-0000-c000-000000000000'.\";error_category=\"invalid_grant\"" },
    }),
    "hybrid_partner_app_permissions",
    { unsupported: true },
  ],
  ["MailboxNotEnabledForRESTAPI", facts({ probe: "mail", permission: "Mail.Read", status: 404, code: "MailboxNotEnabledForRESTAPI", message: "REST API is not yet supported for this mailbox.", mailbox: "lee@fabrikam.example" }), "mailbox_not_enabled"],
  ["a test mailbox that does not exist", facts({ probe: "mail", permission: "Mail.Read", status: 404, code: "ErrorInvalidUser", message: "The requested user 'gone@fabrikam.example' is invalid.", mailbox: "gone@fabrikam.example" }), "test_mailbox_missing"],
  [
    "Exchange without Exchange.ManageAsApp",
    facts({ probe: "exchange", permission: "Exchange.ManageAsApp", status: 401, code: "UnAuthorized", message: "UnAuthorized", tokenRoles: [] }),
    "exchange_role_missing",
    { reconsent: true },
  ],
  [
    "Exchange without a directory role",
    facts({ probe: "exchange", permission: "Exchange.ManageAsApp", status: 403, code: "Forbidden", message: "The role assigned to application 5e0c… isn't supported in this scenario. Please check online documentation for assigning correct Directory Roles to Azure AD Application for EXO App-Only Authentication.", tokenRoles: ["Exchange.ManageAsApp"] }),
    "exchange_directory_role_missing",
  ],
  [
    "Exchange addressed by a non-initial domain",
    facts({ probe: "exchange", permission: "Exchange.ManageAsApp", status: 401, code: "UnAuthorized", message: "UnAuthorized", tokenRoles: ["Exchange.ManageAsApp"], exchangeAddressedBy: "other", initialDomain: "fabrikam.onmicrosoft.com" }),
    "exchange_addressing",
    { actor: "partner" },
  ],
  [
    "a permission configured but not in the token",
    facts({ probe: "domains", permission: "Domain.Read.All", status: 403, code: "Authorization_RequestDenied", message: "Insufficient privileges to complete the operation." }),
    "permission_not_granted",
    { reconsent: true },
  ],
  [
    "a permission in the token but the call denied",
    facts({ probe: "mail", permission: "Mail.Read", status: 403, code: "ErrorAccessDenied", message: "Access to OData is disabled: [RAOP] : Blocked by tenant configured AppOnly AccessPolicy settings." }),
    "role_present_call_denied",
  ],
  ["an answer nobody has seen before", facts({ status: 418, code: "Teapot", message: "I'm a teapot" }), "unknown"],
];

describe("diagnose", () => {
  it.each(CASES)("recognises %s", (_name, input, id, extra) => {
    const finding = diagnose(input);
    expect(finding.id).toBe(id);
    expect(finding.fix.length).toBeGreaterThan(20);
    expect(finding.evidence.length).toBeGreaterThan(0);
    if (extra) expect(finding).toMatchObject(extra);
  });

  it("quotes the evidence it used: status, code, headers", () => {
    const finding = diagnose(CASES.find(([name]) => name.startsWith("hybrid: V1S2S"))![1]);
    expect(finding.evidence).toContain("HTTP status: 401");
    expect(finding.evidence.some((e) => e.startsWith("x-ms-diagnostics: 2000001;reason="))).toBe(true);
    expect(finding.fix).toMatch(/OAuthHttpModule\.Profiles/);
    expect(finding.fix).toMatch(/V1S2SAppOnly/);
  });

  it("tells the partner-application fix is unsupported and names the cmdlets", () => {
    const finding = diagnose(CASES.find(([name]) => name.startsWith("hybrid: Graph partner"))![1]);
    expect(finding.fix).toMatch(/Get-PartnerApplication/);
    expect(finding.fix).toMatch(/Set-PartnerApplication .*-AppOnlyPermissions .*ActAsPermissions/);
    expect(finding.fix).toMatch(/iisreset/);
    expect(finding.fix).toMatch(/does not support/);
  });

  it("shows an unknown error raw instead of guessing", () => {
    const finding = diagnose(facts({ status: 418, code: "Teapot", message: "I'm a teapot" }));
    expect(finding.title).toBe("Unrecognised error");
    expect(finding.evidence).toEqual(["HTTP status: 418", "Error code: Teapot", "Message: I'm a teapot"]);
  });
});
