import "server-only";

import { DOCS } from "@/lib/diagnosis/docs";
import { TOKEN_PROBES, type FailureFacts } from "@/lib/diagnosis/facts";
import { quote, type Rule, type RuleFinding } from "@/lib/diagnosis/rule";

/**
 * The Exchange Online PowerShell v1 ("MFA") public client. Microsoft announced its retirement in
 * Partner Center in February and August 2023 and switched it off at the end of March 2024 (Exchange
 * team blog "MFA App ID deprecation in Exchange Online", January 2024).
 */
export const RETIRED_EXCHANGE_CLIENT_ID = "a0c73c16-a7e3-4564-9a95-2bdf47383716";

const REPLICATION_HINT = "If an admin consented in the last few minutes, Microsoft may still be replicating the consent: wait and re-test.";

/**
 * Rules for answers of the identity platform's token endpoint, by AADSTS code. Texts and codes:
 * @see https://learn.microsoft.com/entra/identity-platform/reference-error-codes
 */
export const identityRules: Rule[] = [
  (f) => {
    const configured = f.context.clientId?.toLowerCase() === RETIRED_EXCHANGE_CLIENT_ID;
    if (!configured && !allMentions(f, RETIRED_EXCHANGE_CLIENT_ID)) return null;
    return {
      id: "retired_exchange_client",
      title: "The app uses the retired Exchange Online PowerShell client ID",
      actor: "partner",
      fix: `${RETIRED_EXCHANGE_CLIENT_ID} is the client of the old Exchange Online PowerShell v1 ("MFA") module. Microsoft announced its retirement in 2023 and switched it off at the end of March 2024; it never worked for app-only access. Register your own multi-tenant app with Exchange.ManageAsApp (and a directory role in each tenant), set AZURE_CLIENT_ID to its ID and onboard the tenants again.`,
      docs: [DOCS.exchangeAppOnly],
      since: "2024-03",
      evidence: [quote("Client ID", RETIRED_EXCHANGE_CLIENT_ID)],
    };
  },
  code(7000215, () => ({
    id: "secret_invalid",
    title: "The app's client secret is wrong",
    actor: "partner",
    fix: "Set AZURE_CLIENT_SECRET to the secret's Value (shown once when it was created), not its Secret ID, or switch to a certificate (AZURE_CLIENT_CERTIFICATE_PATH).",
    docs: [DOCS.errorCodes, DOCS.clientCredentials],
  })),
  code(7000222, () => ({
    id: "secret_expired",
    title: "The app's client secret has expired",
    actor: "partner",
    fix: "Create a new secret (or upload a certificate) on the app registration and update AZURE_CLIENT_SECRET or AZURE_CLIENT_CERTIFICATE_PATH.",
    docs: [DOCS.errorCodes, DOCS.certificateCredentials],
  })),
  code(7000229, () => ({
    id: "not_consented",
    title: "The app is not consented in this tenant (or Microsoft is still replicating a fresh consent)",
    actor: "customer_admin",
    fix: `${REPLICATION_HINT} Otherwise the app's service principal is missing in the tenant: the consent was never given, was revoked, or the enterprise app was deleted. Send the tenant's re-consent link to a Global Administrator.`,
    docs: [DOCS.errorCodes, DOCS.adminConsent],
    reconsent: true,
  })),
  code(700016, appNotFound),
  code(65001, () => ({
    id: "consent_replicating",
    title: "Consent for this API is not visible to the token service",
    actor: "customer_admin",
    fix: `${REPLICATION_HINT} If it persists, the tenant never consented to this API's permissions: send the re-consent link to a Global Administrator.`,
    docs: [DOCS.errorCodes, DOCS.adminConsent],
    reconsent: true,
    transient: true,
  })),
  code(700027, () => ({
    id: "certificate_not_registered",
    title: "The app's certificate is not registered on the app",
    actor: "partner",
    fix: "Upload the certificate in AZURE_CLIENT_CERTIFICATE_PATH (its public part) to the app registration under Certificates & secrets, and check it has not expired there.",
    docs: [DOCS.errorCodes, DOCS.certificateCredentials],
  })),
  code(700021, () => ({
    id: "certificate_not_registered",
    title: "The app's client assertion names another application",
    actor: "partner",
    fix: "The signed client assertion's issuer and subject must be the app's client ID. Check that AZURE_CLIENT_ID and the certificate belong to the same app registration.",
    docs: [DOCS.errorCodes, DOCS.certificateCredentials],
  })),
  code(700024, () => ({
    id: "assertion_clock",
    title: "The client assertion is outside its valid time: the server's clock is off",
    actor: "partner",
    fix: "Microsoft compares the assertion's nbf/exp with its own time. Synchronise this server's clock (NTP) and re-test.",
    docs: [DOCS.errorCodes, DOCS.certificateCredentials],
  })),
  code(700025, () => ({
    id: "public_client",
    title: "The client ID belongs to a public client, which cannot use a secret or certificate",
    actor: "partner",
    fix: "App-only access needs a confidential client. Check AZURE_CLIENT_ID names your own app registration; in it, under Authentication, set \"Allow public client flows\" to No.",
    docs: [DOCS.errorCodes, DOCS.clientCredentials],
  })),
  code(7000112, () => ({
    id: "app_disabled",
    title: "The app is disabled in this tenant",
    actor: "customer_admin",
    fix: "In the Microsoft Entra admin center > Enterprise applications > this app > Properties, a tenant administrator set \"Enabled for users to sign-in?\" to No, which also stops the app's own tokens. Set it to Yes if the customer wants the app to work. If every tenant answers this, the app is disabled in its home tenant instead: check your app registration.",
    docs: [DOCS.errorCodes, DOCS.disableApp],
  })),
  code(53003, () => ({
    id: "conditional_access_blocked",
    title: "A Conditional Access policy in the tenant blocks the app's token",
    actor: "customer_admin",
    fix: "The tenant's Conditional Access refused to issue a token to the app (for example a location or risk condition on workload identities). In the Microsoft Entra admin center > Sign-in logs > Service principal sign-ins, filter by this app to find the policy, then exclude the app or allow the partner's outbound addresses. Microsoft documents Conditional Access for workload identities for single-tenant service principals; other policies can still apply.",
    docs: [DOCS.errorCodes, DOCS.workloadIdentityCa],
  })),
  (f) => {
    // Not msal-node's endpoints_resolution_error: Consentry reads the host-wide /organizations
    // metadata, so that error is about the authority host, never about one tenant.
    if (f.aadsts !== 90002 && f.code !== "invalid_tenant") return null;
    return {
      id: "tenant_not_found",
      title: "The tenant was not found in this cloud",
      actor: "partner",
      fix: "Check the tenant ID. A tenant in another national cloud (US Government, China) is unknown to this one: run Consentry with the matching PORTAL_CLOUD for it.",
      docs: [DOCS.errorCodes, DOCS.nationalClouds],
    };
  },
  code(500011, (f) => {
    const resource = /resource principal named (\S+?)\.? was not found/i.exec(f.message ?? f.text ?? "")?.[1] ?? null;
    const service = /outlook\.office365\.com|00000002-0000-0ff1-ce00-000000000000/i.test(resource ?? "") || f.probe === "exchange-token" ? "Exchange Online" : /sharepoint/i.test(resource ?? "") || f.probe === "sharepoint-token" ? "SharePoint Online" : null;
    return {
      id: "resource_not_found",
      title: service ? `This tenant has no ${service}` : "The API (resource) does not exist in this tenant",
      actor: "customer_admin",
      fix: service
        ? `The tenant has no service principal for ${service}, which is what a tenant without ${service === "Exchange Online" ? "an" : "a"} ${service} subscription looks like. Its probes cannot pass until the customer has ${service}; nothing in the app needs to change.`
        : "The tenant has no service principal for the API the token was asked for (usually: no subscription to that service). Its probes cannot pass until the tenant has the service.",
      docs: [DOCS.errorCodes],
      evidence: [quote("Resource", resource)],
    };
  }),
  (f) =>
    f.code === "tid_mismatch"
      ? { id: "tid_mismatch", title: "The token was issued for another tenant", actor: "partner", fix: "Check the tenant ID stored for this customer; re-onboard it from a new invite." }
      : null,
  (f) =>
    f.code === "roles_missing"
      ? {
          id: "roles_missing_in_token",
          title: "The token carries no permissions",
          actor: "customer_admin",
          fix: "The app is consented but nothing was granted (or Microsoft is still replicating). Re-test in a few minutes; if it persists, send the re-consent link to a Global Administrator.",
          docs: [DOCS.clientCredentials],
          reconsent: true,
        }
      : null,
];

function code(n: number, make: (f: FailureFacts) => RuleFinding): Rule {
  return (f) => (f.aadsts === n ? make(f) : null);
}

function allMentions(f: FailureFacts, needle: string): boolean {
  return [f.message, f.text].some((t) => t?.toLowerCase().includes(needle));
}

/**
 * AADSTS700016 "Application with identifier '…' was not found in the directory '…'" has four
 * causes: the app is not (yet) consented there, the client ID is not the app's, the app is
 * single-tenant, or the request went to another cloud's tenant.
 */
function appNotFound(f: FailureFacts): RuleFinding {
  const named = /Application with identifier '([^']+)' was not found in the directory '([^']*)'/i.exec(`${f.message ?? ""}\n${f.text ?? ""}`);
  const identifier = named?.[1] ?? null;
  const directory = named?.[2] ?? null;
  const configured = f.context.clientId?.toLowerCase() ?? null;
  const evidence = [quote("Application asked for", identifier), quote("Directory", directory), quote("Configured client ID", configured)];
  if (identifier && configured && identifier.toLowerCase() !== configured) {
    return {
      id: "client_id_mismatch",
      title: "The token was asked for another client ID than the app's",
      actor: "partner",
      fix: `The request named ${identifier}, but the app is ${configured}. Set AZURE_CLIENT_ID to the Application (client) ID shown on the app registration's overview page (not the Object ID or a secret ID).`,
      docs: [DOCS.errorCodes],
      evidence,
    };
  }
  if (f.context.signInAudience === "AzureADMyOrg") {
    return {
      id: "app_single_tenant",
      title: "The app is single-tenant, so other tenants cannot use it",
      actor: "partner",
      fix: "The app registration's Supported account types is \"Accounts in this organizational directory only\". Change it to \"Accounts in any organizational directory (multitenant)\", then have each customer consent again.",
      docs: [DOCS.supportedAccounts, DOCS.errorCodes],
      evidence: [...evidence, quote("signInAudience", f.context.signInAudience)],
    };
  }
  return {
    id: "app_not_found",
    title: "The app does not exist in this tenant",
    actor: "customer_admin",
    fix: `Four causes answer alike; tell them apart this way. (1) Not consented, or consent removed: the tenant's Enterprise applications list has no app with ID ${identifier ?? "the app's client ID"} — send the re-consent link to a Global Administrator (right after a consent, wait a few minutes first). (2) Wrong client ID: the ID above is not your app registration's Application (client) ID — fix AZURE_CLIENT_ID. (3) Single-tenant app: your registration's Supported account types is "this organizational directory only" — make it multitenant. (4) Wrong cloud: the tenant is in US Government or China clouds — use the matching PORTAL_CLOUD.`,
    docs: [DOCS.errorCodes, DOCS.adminConsent, DOCS.supportedAccounts, DOCS.nationalClouds],
    reconsent: true,
    evidence,
  };
}

/** Token probes answered 5xx with no AADSTS code, or not at all: the identity platform is not answering. */
export function isTokenOutage(f: FailureFacts): boolean {
  return f.probe !== null && TOKEN_PROBES.has(f.probe) && f.aadsts === null && (f.transport !== null || (f.status !== null && f.status >= 500));
}
