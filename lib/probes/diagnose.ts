import "server-only";

import type { Finding } from "@/lib/probes/finding";

/**
 * The facts of one failed call, as the runner saw them. Header names are lower-case.
 */
export interface FailureFacts {
  /** Which probe: "token", "exchange-token", "organization", "mail", "exchange", ... */
  probe: string;
  /** The permission the probe proves (null for the token probe). */
  permission: string | null;
  /** HTTP status, or null when there was no answer (timeout, reset). */
  status: number | null;
  /** Graph error code, `AADSTSnnnn`, an OAuth error or msal-node's own code. */
  code: string | null;
  message: string | null;
  headers: Record<string, string>;
  /** Roles in the token the call was made with. */
  tokenRoles: string[];
  /** How the Exchange call addressed the tenant: its initial domain, another domain or the GUID. */
  exchangeAddressedBy?: "initial" | "other";
  initialDomain?: string | null;
  mailbox?: string | null;
}

const quote = (label: string, value: string | number | null | undefined) => (value === null || value === undefined || value === "" ? null : `${label}: ${value}`);

function evidenceOf(f: FailureFacts, extra: (string | null)[] = []): string[] {
  return [
    quote("HTTP status", f.status),
    quote("Error code", f.code),
    quote("Message", f.message?.split(/\r?\n/)[0]?.slice(0, 300)),
    quote("x-ms-diagnostics", f.headers["x-ms-diagnostics"]),
    quote("WWW-Authenticate", f.headers["www-authenticate"]?.slice(0, 300)),
    quote("Retry-After", f.headers["retry-after"]),
    quote("request-id", f.headers["request-id"]),
    ...extra,
  ].filter((e): e is string => e !== null);
}

function aadsts(code: string | null, message: string | null): number | null {
  const m = /AADSTS(\d+)/.exec(`${code ?? ""} ${message ?? ""}`);
  return m ? Number(m[1]) : null;
}

/**
 * Turns a failed probe into a finding with evidence and the exact fix. Anything not
 * recognised is reported raw as "unknown", never mislabelled.
 */
export function diagnose(f: FailureFacts): Finding {
  const diag = f.headers["x-ms-diagnostics"] ?? "";
  const sts = aadsts(f.code, f.message);
  const inToken = f.permission ? f.tokenRoles.includes(f.permission) : true;

  // Identity platform: the token could not be had.
  if (sts === 7000229 || sts === 700016) {
    return {
      id: "not_consented",
      title: "The app is not consented in this tenant (or Microsoft is still replicating a fresh consent)",
      evidence: evidenceOf(f),
      actor: "customer_admin",
      fix: "If the admin consented in the last few minutes, wait and re-test. Otherwise the service principal is missing: the consent was never given, was revoked, or the enterprise app was deleted. Send the tenant's re-consent link to a Global Administrator.",
      reconsent: true,
    };
  }
  if (sts === 65001) {
    return { id: "consent_replicating", title: "Consent is not visible to the token service yet", evidence: evidenceOf(f), actor: "nobody", fix: "Re-test in a few minutes; if it persists, send the re-consent link.", reconsent: true, transient: true };
  }
  if (sts === 7000215) {
    return {
      id: "secret_invalid",
      title: "The app's client secret is wrong",
      evidence: evidenceOf(f),
      actor: "partner",
      fix: "Set AZURE_CLIENT_SECRET to the secret's Value (shown once when it was created), not its Secret ID, or switch to a certificate (AZURE_CLIENT_CERTIFICATE_PATH).",
    };
  }
  if (sts === 7000222) {
    return { id: "secret_expired", title: "The app's client secret has expired", evidence: evidenceOf(f), actor: "partner", fix: "Create a new secret (or upload a certificate) on the app registration and update AZURE_CLIENT_SECRET or AZURE_CLIENT_CERTIFICATE_PATH." };
  }
  if (sts === 700027 || sts === 700024 || sts === 700021) {
    return {
      id: "certificate_not_registered",
      title: "The app's certificate is not accepted",
      evidence: evidenceOf(f),
      actor: "partner",
      fix: "Upload the certificate in AZURE_CLIENT_CERTIFICATE_PATH to the app registration (Certificates & secrets), check it has not expired, and check the server clock.",
    };
  }
  if (sts === 90002 || f.code === "endpoints_resolution_error" || f.code === "invalid_tenant") {
    return {
      id: "tenant_not_found",
      title: "The tenant was not found in this cloud",
      evidence: evidenceOf(f),
      actor: "partner",
      fix: "Check the tenant ID. A tenant in another national cloud (US Government, China) is unknown to this one: run Consentry with the matching PORTAL_CLOUD for it.",
    };
  }
  if (sts === 500011) {
    return {
      id: "resource_not_found",
      title: "The resource (API) does not exist in this tenant",
      evidence: evidenceOf(f),
      actor: "customer_admin",
      fix: "The tenant has no service principal for the API (for Exchange Online: the tenant has no Exchange Online subscription). Without the service, its probes cannot pass.",
    };
  }
  if (f.code === "tid_mismatch") {
    return { id: "tid_mismatch", title: "The token was issued for another tenant", evidence: evidenceOf(f), actor: "partner", fix: "Check the tenant ID stored for this customer; re-onboard it from a new invite." };
  }
  if (f.code === "roles_missing") {
    return {
      id: "roles_missing_in_token",
      title: "The token carries no permissions",
      evidence: evidenceOf(f),
      actor: "customer_admin",
      fix: "The app is consented but nothing was granted (or Microsoft is still replicating). Re-test in a few minutes; if it persists, send the re-consent link to a Global Administrator.",
      reconsent: true,
    };
  }

  // Throttling and outages.
  if (f.status === 429) {
    return {
      id: "throttled",
      title: "Microsoft throttled the request",
      evidence: evidenceOf(f),
      actor: "nobody",
      fix: `Consentry waits as long as Retry-After says${f.headers["retry-after"] ? ` (${f.headers["retry-after"]} s)` : ""} and retries; re-test later if it persists.`,
      transient: true,
    };
  }
  if (f.status === null || f.status >= 500) {
    return { id: "service_unavailable", title: "Microsoft did not answer properly", evidence: evidenceOf(f), actor: "nobody", fix: "A transient outage, timeout or reset. Re-test; check Microsoft 365 service health if it persists.", transient: true };
  }

  // Hybrid Exchange: the on-premises server answered the app-only token.
  if (diag.startsWith("2000001") || /V1S2SAppOnly/.test(diag)) {
    return {
      id: "hybrid_profile_missing",
      title: "The on-premises Exchange server does not accept app-only tokens (V1S2SAppOnly profile missing)",
      evidence: evidenceOf(f, [quote("Mailbox", f.mailbox)]),
      actor: "customer_admin",
      fix: "On every on-premises Exchange server that answers for hybrid mailboxes, add V1S2SAppOnly to the OAuthHttpModule profiles in FrontEnd\\HttpProxy\\rest\\web.config (<add key=\"OAuthHttpModule.Profiles\" value=\"S2SAppActAs,S2SAppOnly,V1S2SAppOnly\" />), then run iisreset.",
    };
  }
  if (diag.startsWith("2000008") || /partner application '00000003-0000-0000-c000-000000000000'/.test(diag)) {
    return {
      id: "hybrid_partner_app_permissions",
      title: "The on-premises Graph partner application has no app-only permissions",
      evidence: evidenceOf(f, [quote("Mailbox", f.mailbox)]),
      actor: "customer_admin",
      fix: "In the on-premises Exchange Management Shell: $app = Get-PartnerApplication | ? { $_.ApplicationIdentifier -eq '00000003-0000-0000-c000-000000000000' }; Set-PartnerApplication -Identity $app.Identity -AppOnlyPermissions $app.ActAsPermissions; then run iisreset. Microsoft does not support this change; it is what makes app-only Graph mail access work for on-premises mailboxes.",
      unsupported: true,
    };
  }
  if (f.code === "MailboxNotEnabledForRESTAPI") {
    return {
      id: "mailbox_not_enabled",
      title: "The test mailbox cannot be reached through the REST API",
      evidence: evidenceOf(f, [quote("Mailbox", f.mailbox)]),
      actor: "customer_admin",
      fix: "The mailbox is on-premises (hybrid without REST access), inactive, soft-deleted, or the user has no Exchange Online licence. Pick a licensed Exchange Online mailbox as the test mailbox, or license this user.",
    };
  }
  if (f.code === "ErrorInvalidUser" || (f.code === "Request_ResourceNotFound" && f.mailbox)) {
    return { id: "test_mailbox_missing", title: "The test mailbox does not exist", evidence: evidenceOf(f, [quote("Mailbox", f.mailbox)]), actor: "partner", fix: "Set the tenant's test mailbox to an existing, licensed user." };
  }

  // Exchange admin API.
  if (f.probe === "exchange") {
    if (f.status === 401 && !f.tokenRoles.includes("Exchange.ManageAsApp")) {
      return {
        id: "exchange_role_missing",
        title: "Exchange.ManageAsApp is not granted",
        evidence: evidenceOf(f, ["Exchange token roles: " + (f.tokenRoles.join(", ") || "none")]),
        actor: "customer_admin",
        fix: "Grant the Office 365 Exchange Online permission Exchange.ManageAsApp: send the tenant's re-consent link to a Global Administrator.",
        reconsent: true,
      };
    }
    if (f.status === 403 || /isn't supported in this scenario/i.test(f.message ?? "")) {
      return {
        id: "exchange_directory_role_missing",
        title: "The app's service principal holds no directory role Exchange accepts",
        evidence: evidenceOf(f),
        actor: "customer_admin",
        fix: "In Microsoft Entra admin center > Roles and administrators, assign the app's enterprise application a role such as Exchange Administrator (or Global Reader for read-only use). Exchange app-only access needs it in addition to Exchange.ManageAsApp.",
      };
    }
    if (f.status === 401 && f.exchangeAddressedBy === "other") {
      return {
        id: "exchange_addressing",
        title: "Exchange rejects the tenant when it is not addressed by its initial domain",
        evidence: evidenceOf(f, [quote("Initial domain", f.initialDomain)]),
        actor: "partner",
        fix: `Address the tenant by its initial .onmicrosoft.com domain${f.initialDomain ? ` (${f.initialDomain})` : ""} in the InvokeCommand URL and in X-AnchorMailbox; by GUID or a custom domain some tenants fail intermittently.`,
      };
    }
  }

  // Graph authorization.
  if (f.status === 403 && (f.code === "Authorization_RequestDenied" || f.code === "ErrorAccessDenied" || f.code === "Forbidden")) {
    if (!inToken) {
      return {
        id: "permission_not_granted",
        title: `${f.permission} is configured but not granted`,
        evidence: evidenceOf(f, ["Token roles: " + (f.tokenRoles.join(", ") || "none")]),
        actor: "customer_admin",
        fix: `The tenant consented before ${f.permission} was added to the app (or it was removed). Send the tenant's re-consent link to a Global Administrator.`,
        reconsent: true,
      };
    }
    return {
      id: "role_present_call_denied",
      title: `${f.permission} is in the token but the call was denied`,
      evidence: evidenceOf(f, ["Token roles: " + f.tokenRoles.join(", ")]),
      actor: "customer_admin",
      fix: "Something in the tenant restricts the app beyond its permission: an Exchange application access policy or RBAC for Applications scope, or a Conditional Access policy for workload identities. Check those for this app.",
    };
  }

  return {
    id: "unknown",
    title: "Unrecognised error",
    evidence: evidenceOf(f),
    actor: "nobody",
    fix: "Consentry does not recognise this answer; the raw evidence is shown above. Re-test, and if it persists, look up the code in Microsoft's documentation.",
  };
}
