import { DOCS } from "@/lib/diagnosis/docs";
import type { FailureFacts } from "@/lib/diagnosis/facts";
import { quote, type Rule } from "@/lib/diagnosis/rule";

/**
 * An on-premises Exchange server's OAuth module, as its IIS log (or a direct call to the server)
 * shows it: `x-ms-diagnostics: 2000001;reason="This token profile 'V1S2SAppOnly' is not applicable
 * for the current protocol."` and `2000008;reason="The token should have valid permissions or linked
 * account associated with partner application '00000003-0000-0000-c000-000000000000'."`, with a
 * `WWW-Authenticate: Bearer client_id="00000002-0000-0ff1-ce00-000000000000", trusted_issuers=…`.
 * Graph never relayed these to the client (it answered `500 UnknownError`), and since March 2023
 * Graph does not proxy to on-premises mailboxes at all: the findings say which era they belong to.
 * @see https://learn.microsoft.com/graph/hybrid-rest-support
 * @see https://learn.microsoft.com/openspecs/exchange_server_protocols/ms-xoauth/bdbef05b-f453-4f67-ab07-ef734ed6e405
 */
const ERA =
  "This comes from an on-premises Exchange Server (2016 CU3 or later) answering an app-only token: either Graph's hybrid REST proxy for on-premises mailboxes, which Microsoft ended in March 2023 (today Graph answers MailboxNotEnabledForRESTAPI for those mailboxes instead), or an app calling the Exchange server directly.";

/** The x-ms-diagnostics value, from a header or from log text (IIS logs encode spaces as '+'). */
export function diagnosticsOf(f: FailureFacts): string | null {
  const header = f.headers["x-ms-diagnostics"];
  if (header) return header;
  const text = decodeLogText(f.text ?? "");
  return /\b(200000\d;reason="[^"]*"(?:;error_category="[^"]*")?)/.exec(text)?.[1] ?? null;
}

/** Exchange's OAuth challenge (`client_id="00000002-0000-0ff1-ce00-000000000000"`), from a header or log text. */
function exchangeChallengeOf(f: FailureFacts): string | null {
  const header = f.headers["www-authenticate"];
  const text = header ?? decodeLogText(f.text ?? "");
  return /Bearer\s+client_id="00000002-0000-0ff1-ce00-000000000000"[^\r\n]*/i.exec(text)?.[0] ?? null;
}

/** IIS W3C logs write spaces as '+' and may percent-encode; exported as CSV, quotes are doubled. Read all as plain text. */
export function decodeLogText(text: string): string {
  const plus = text.replace(/\+/g, " ").replace(/""/g, '"');
  try {
    return decodeURIComponent(plus.replace(/%(?![0-9a-f]{2})/gi, "%25"));
  } catch {
    return plus;
  }
}

export const hybridRules: Rule[] = [
  (f) => {
    const diag = diagnosticsOf(f);
    if (!diag || !(/^2000001\b/.test(diag) && /V1S2SAppOnly|token profile/i.test(diag))) return null;
    return {
      id: "hybrid_profile_missing",
      title: "The on-premises Exchange server does not accept app-only tokens (V1S2SAppOnly profile missing)",
      actor: "customer_admin",
      fix: `${ERA} On every Exchange server that answers those requests, add V1S2SAppOnly to the OAuthHttpModule profiles in FrontEnd\\HttpProxy\\rest\\web.config (<add key="OAuthHttpModule.Profiles" value="S2SAppActAs,S2SAppOnly,V1S2SAppOnly" />), then run iisreset. For Graph today, move the mailbox to Exchange Online instead.`,
      docs: [DOCS.hybridRest],
      since: "2023-03",
      evidence: [quote("x-ms-diagnostics", diag), quote("Mailbox", f.context.mailbox)],
    };
  },
  (f) => {
    const diag = diagnosticsOf(f);
    if (!diag || !/^2000008\b/.test(diag) || !/partner application '00000003-0000-0000-c000-000000000000'/i.test(diag)) return null;
    return {
      id: "hybrid_partner_app_permissions",
      title: "The on-premises Exchange server's Graph partner application has no app-only permissions",
      actor: "customer_admin",
      fix: `${ERA} In the on-premises Exchange Management Shell: $app = Get-PartnerApplication | ? { $_.ApplicationIdentifier -eq '00000003-0000-0000-c000-000000000000' }; Set-PartnerApplication -Identity $app.Identity -AppOnlyPermissions $app.ActAsPermissions; then iisreset. Microsoft does not support this change. For Graph today, move the mailbox to Exchange Online instead.`,
      docs: [DOCS.hybridRest],
      since: "2023-03",
      unsupported: true,
      evidence: [quote("x-ms-diagnostics", diag), quote("Mailbox", f.context.mailbox)],
    };
  },
  (f) => {
    if (f.probe === "ews" || f.probe === "exchange") return null;
    const challenge = exchangeChallengeOf(f);
    const diag = diagnosticsOf(f);
    // Another reason of Exchange's OAuth module (2000001 "cannot be parsed", …): the token was refused there.
    if (diag && /^200000\d\b/.test(diag) && !/partner application '00000002-0000-0ff1-ce00-000000000000'/i.test(diag)) {
      return {
        id: "hybrid_oauth_rejected",
        title: "An Exchange server's OAuth module rejected the app-only token",
        actor: "customer_admin",
        fix: `${ERA} Its reason is quoted above; 2000001 with V1S2SAppOnly and 2000008 naming the Graph partner application have known fixes, other reasons point to the token itself or the server's OAuth configuration with Microsoft Entra ID (the auth server and partner application objects).`,
        docs: [DOCS.hybridRest],
        since: "2023-03",
        evidence: [quote("x-ms-diagnostics", diag), quote("WWW-Authenticate", challenge?.slice(0, 300))],
      };
    }
    if (!challenge || diag) return null;
    return {
      id: "hybrid_oauth_rejected",
      title: "An Exchange server's OAuth module rejected the app-only token",
      actor: "customer_admin",
      fix: `${ERA} The log line carries Exchange's OAuth challenge without an x-ms-diagnostics reason; look for the x-ms-diagnostics value logged with the same request (2000001 = V1S2SAppOnly profile missing, 2000008 = the Graph partner application lacks app-only permissions) and paste it here.`,
      docs: [DOCS.hybridRest],
      since: "2023-03",
      evidence: [quote("WWW-Authenticate", challenge.slice(0, 300))],
    };
  },
];
