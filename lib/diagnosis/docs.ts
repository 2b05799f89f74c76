/** Microsoft's pages findings link to (one place, so a moved page is fixed once). */
export const DOCS = {
  errorCodes: "https://learn.microsoft.com/entra/identity-platform/reference-error-codes",
  clientCredentials: "https://learn.microsoft.com/entra/identity-platform/v2-oauth2-client-creds-grant-flow",
  adminConsent: "https://learn.microsoft.com/entra/identity-platform/v2-admin-consent",
  certificateCredentials: "https://learn.microsoft.com/entra/identity-platform/certificate-credentials",
  nationalClouds: "https://learn.microsoft.com/entra/identity-platform/authentication-national-cloud",
  supportedAccounts: "https://learn.microsoft.com/entra/identity-platform/supported-accounts-validation",
  disableApp: "https://learn.microsoft.com/entra/identity/enterprise-apps/disable-user-sign-in-portal",
  workloadIdentityCa: "https://learn.microsoft.com/entra/identity/conditional-access/workload-identity",
  graphErrors: "https://learn.microsoft.com/graph/errors",
  graphThrottling: "https://learn.microsoft.com/graph/throttling",
  accessPolicies: "https://learn.microsoft.com/graph/auth-limit-mailbox-access",
  applicationRbac: "https://learn.microsoft.com/exchange/permissions-exo/application-rbac",
  testServicePrincipalAuthorization: "https://learn.microsoft.com/powershell/module/exchange/test-serviceprincipalauthorization",
  hybridRest: "https://learn.microsoft.com/graph/hybrid-rest-support",
  restNotSupported: "https://learn.microsoft.com/exchange/troubleshoot/user-and-shared-mailboxes/rest-api-is-not-yet-supported-for-this-mailbox-error",
  inactiveMailboxes: "https://learn.microsoft.com/purview/inactive-mailboxes-in-office-365",
  restoreMailboxes: "https://learn.microsoft.com/exchange/recipients-in-exchange-online/delete-or-restore-mailboxes",
  exchangeAppOnly: "https://learn.microsoft.com/powershell/exchange/app-only-auth-powershell-v2",
  ewsAccess: "https://learn.microsoft.com/exchange/client-developer/exchange-web-services/how-to-control-access-to-ews-in-exchange",
  ewsDeprecation: "https://learn.microsoft.com/exchange/clients-and-mobile-in-exchange-online/deprecation-of-ews-exchange-online",
  sharepointAppOnly: "https://learn.microsoft.com/sharepoint/dev/solution-guidance/security-apponly-azuread",
} as const;

const TITLES: Record<string, string> = {
  [DOCS.errorCodes]: "Entra error codes",
  [DOCS.clientCredentials]: "Client credentials flow",
  [DOCS.adminConsent]: "Admin consent",
  [DOCS.certificateCredentials]: "Certificate credentials",
  [DOCS.nationalClouds]: "National clouds",
  [DOCS.supportedAccounts]: "Supported account types",
  [DOCS.disableApp]: "Disable an app in a tenant",
  [DOCS.workloadIdentityCa]: "Conditional Access for workload identities",
  [DOCS.graphErrors]: "Graph errors",
  [DOCS.graphThrottling]: "Graph throttling",
  [DOCS.accessPolicies]: "Application access policies",
  [DOCS.applicationRbac]: "RBAC for Applications",
  [DOCS.testServicePrincipalAuthorization]: "Test-ServicePrincipalAuthorization",
  [DOCS.hybridRest]: "Hybrid REST (deprecated)",
  [DOCS.restNotSupported]: "REST API is not yet supported for this mailbox",
  [DOCS.inactiveMailboxes]: "Inactive mailboxes",
  [DOCS.restoreMailboxes]: "Delete or restore mailboxes",
  [DOCS.exchangeAppOnly]: "Exchange app-only authentication",
  [DOCS.ewsAccess]: "Control access to EWS",
  [DOCS.ewsDeprecation]: "EWS deprecation in Exchange Online",
  [DOCS.sharepointAppOnly]: "SharePoint app-only",
};

/** A Microsoft page's short title for a link (its last path segment when not one of ours). */
export function docTitle(url: string): string {
  return TITLES[url] ?? url.replace(/\/+$/, "").split("/").pop() ?? url;
}
