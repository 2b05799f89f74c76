import { DOCS } from "@/lib/diagnosis/docs";
import { allText, type FailureFacts } from "@/lib/diagnosis/facts";
import { quote, type Rule } from "@/lib/diagnosis/rule";

/**
 * What Exchange Online's admin API (and Exchange Online PowerShell) answers when a tenant is
 * addressed by something other than its initial .onmicrosoft.com domain: directory errors from
 * the wrong forest (`ADOperationException … cli_NspiBind`, `InsufficientPermissionsException …
 * doesn't have write permission to target DC`), whatever the HTTP status.
 * @see https://learn.microsoft.com/powershell/exchange/app-only-auth-powershell-v2
 */
const ADDRESSING = /cli_NspiBind|doesn'?t have write permission to target DC/i;

/** The service principal has Exchange.ManageAsApp but no directory role Exchange accepts. */
const NO_DIRECTORY_ROLE = /isn'?t supported in this scenario|isn'?t assigned to any management roles|is not allowed to call \S+/i;

/**
 * EWS in Exchange Online answers 403 with `X-EWS-Policy-Reason` when the organization (or mailbox)
 * has EWS disabled, or the app is not in `EwsAllowedAppIDs`. Blocked for apps not allowed since
 * 2026-10-01; switched off for everyone on 2027-04-01.
 * @see https://learn.microsoft.com/exchange/client-developer/exchange-web-services/how-to-control-access-to-ews-in-exchange
 * @see https://learn.microsoft.com/exchange/clients-and-mobile-in-exchange-online/deprecation-of-ews-exchange-online
 */
const EWS_POLICY = /EWS is (?:disabled for|blocked by policy for) this user or tenant/i;

function ewsSettingsEvidence(f: FailureFacts): (string | null)[] {
  const c = f.context;
  return [
    c.ewsEnabled === undefined ? null : `EwsEnabled: ${c.ewsEnabled === null ? "not set" : c.ewsEnabled ? "True" : "False"}`,
    c.ewsAllowedAppIds === undefined ? null : `EwsAllowedAppIDs: ${c.ewsAllowedAppIds?.length ? c.ewsAllowedAppIds.join(", ") : "empty"}`,
  ];
}

/**
 * Do the organization's settings explain an EWS 403? False does; True with the app missing from
 * the allow list does. Not set (null) does not prove it: Microsoft switches tenants that never set
 * it to False one by one, and until then EWS still answers.
 */
function ewsBlockedBySettings(f: FailureFacts): boolean {
  if (f.probe !== "ews" || f.status !== 403) return false;
  const c = f.context;
  const app = c.clientId?.toLowerCase();
  return c.ewsEnabled === false || (c.ewsEnabled === true && !!app && c.ewsAllowedAppIds !== undefined && !(c.ewsAllowedAppIds ?? []).some((id) => id.toLowerCase() === app));
}

export const exchangeRules: Rule[] = [
  (f) =>
    ADDRESSING.test(allText(f))
      ? {
          id: "exchange_addressing",
          title: "Exchange looked for the tenant in the wrong directory: address it by its initial domain",
          actor: "partner",
          fix: `Exchange Online resolves the organization named in the call; by a custom domain or GUID it can land in the wrong directory partition (cli_NspiBind, "write permission to target DC"). Address the tenant by its initial .onmicrosoft.com domain${f.context.initialDomain ? ` (${f.context.initialDomain})` : ""} — in Exchange Online PowerShell, Connect-ExchangeOnline -Organization <tenant>.onmicrosoft.com. Consentry's own probe does this once it knows the initial domain.`,
          docs: [DOCS.exchangeAppOnly],
          evidence: [quote("Initial domain", f.context.initialDomain)],
        }
      : null,
  (f) =>
    f.probe === "exchange" && f.status === 401 && f.tokenRoles !== null && !f.tokenRoles.includes("Exchange.ManageAsApp")
      ? {
          id: "exchange_role_missing",
          title: "Exchange.ManageAsApp is not granted",
          actor: "customer_admin",
          fix: "Grant the Office 365 Exchange Online permission Exchange.ManageAsApp: send the tenant's re-consent link to a Global Administrator.",
          docs: [DOCS.exchangeAppOnly],
          reconsent: true,
          evidence: ["Exchange token roles: " + (f.tokenRoles.join(", ") || "none")],
        }
      : null,
  (f) =>
    NO_DIRECTORY_ROLE.test(allText(f)) || (f.probe === "exchange" && f.status === 403)
      ? {
          id: "exchange_directory_role_missing",
          title: "The app's service principal holds no directory role Exchange accepts",
          actor: "customer_admin",
          fix: "In the Microsoft Entra admin center > Roles and administrators, assign the app's enterprise application a role such as Exchange Administrator (or Global Reader for read-only use). Exchange app-only access needs it in addition to Exchange.ManageAsApp.",
          docs: [DOCS.exchangeAppOnly],
        }
      : null,
  (f) =>
    f.probe === "exchange" && f.status === 401 && f.context.exchangeAddressedBy === "other"
      ? {
          id: "exchange_addressing",
          title: "Exchange rejects the tenant when it is not addressed by its initial domain",
          actor: "partner",
          fix: `Address the tenant by its initial .onmicrosoft.com domain${f.context.initialDomain ? ` (${f.context.initialDomain})` : ""} in the InvokeCommand URL and in X-AnchorMailbox; by GUID or a custom domain some tenants fail intermittently.`,
          docs: [DOCS.exchangeAppOnly],
          evidence: [quote("Initial domain", f.context.initialDomain)],
        }
      : null,
  (f) =>
    EWS_POLICY.test(allText(f)) || ewsBlockedBySettings(f)
      ? {
          id: "ews_blocked",
          title: "EWS is blocked for this app in the tenant",
          actor: "customer_admin",
          fix: `Since October 2026 Exchange Online blocks EWS for every app a tenant has not allowed. Until EWS is switched off for good on 2027-04-01, an Exchange administrator can allow this app: Set-OrganizationConfig -EwsEnabled $true, and add the app's ID${f.context.clientId ? ` (${f.context.clientId})` : ""} to EwsAllowedAppIDs — read the current list first (Get-OrganizationConfig -RetrieveEwsOperationAccessPolicy), because -EwsAllowedAppIDs replaces the whole comma-separated list. The same answer also comes from the older user-agent controls (EwsApplicationAccessPolicy, EwsAllowList, EwsBlockList) and from the mailbox's own EwsEnabled (Get-CASMailbox): check those too. Changes can take up to a day. The lasting fix is the partner's: move the app to Microsoft Graph before 2027-04-01.`,
          docs: [DOCS.ewsAccess, DOCS.ewsDeprecation],
          since: "2026-10",
          evidence: [quote("X-EWS-Policy-Reason", f.headers["x-ews-policy-reason"]), ...ewsSettingsEvidence(f)],
        }
      : null,
  (f) => {
    const diag = f.headers["x-ms-diagnostics"] ?? "";
    if (f.probe !== null && f.probe !== "ews") return null;
    const noRole = /partner application '00000002-0000-0ff1-ce00-000000000000'/i.test(diag) || (f.probe === "ews" && f.status === 401 && f.tokenRoles !== null && !f.tokenRoles.includes("full_access_as_app"));
    return noRole
      ? {
          id: "ews_role_missing",
          title: "full_access_as_app is not granted, so EWS refuses the token",
          actor: "customer_admin",
          fix: "Grant the Office 365 Exchange Online permission full_access_as_app (send the re-consent link to a Global Administrator) — or better, since EWS in Exchange Online ends on 2027-04-01, move the app to Microsoft Graph.",
          docs: [DOCS.ewsDeprecation],
          reconsent: true,
        }
      : null;
  },
];

/** SharePoint Online refuses app-only tokens got with a client secret: it wants a certificate. */
export const sharepointRules: Rule[] = [
  (f) =>
    /Unsupported app only token/i.test(allText(f))
      ? {
          id: "sharepoint_needs_certificate",
          title: "SharePoint refuses app-only tokens got with a client secret",
          actor: "partner",
          fix: "SharePoint Online's REST API accepts app-only tokens only when the app authenticated with a certificate. Upload a certificate to the app registration and set AZURE_CLIENT_CERTIFICATE_PATH (Graph's /sites endpoints work with a secret).",
          docs: [DOCS.sharepointAppOnly],
        }
      : null,
];
