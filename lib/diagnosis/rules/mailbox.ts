import { DOCS } from "@/lib/diagnosis/docs";
import { allText, MAILBOX_PROBES, type FailureFacts } from "@/lib/diagnosis/facts";
import { quote, type Rule, type RuleFinding } from "@/lib/diagnosis/rule";

/**
 * Graph's answers for a mailbox it will not serve. Today: `404 MailboxNotEnabledForRESTAPI`
 * "The mailbox is either inactive, soft-deleted, or is hosted on-premise."; older text
 * "REST API is not yet supported for this mailbox." (also `MailboxNotSupportedForRESTAPI`).
 * EWS says the same with `ErrorNonExistentMailbox`.
 * @see https://learn.microsoft.com/exchange/troubleshoot/user-and-shared-mailboxes/rest-api-is-not-yet-supported-for-this-mailbox-error
 * @see https://learn.microsoft.com/graph/hybrid-rest-support
 */
const NOT_SERVED = /MailboxNotEnabledForRESTAPI|MailboxNotSupportedForRESTAPI|ErrorNonExistentMailbox|inactive, soft-deleted, or is hosted on-premise|REST API is not yet supported for this mailbox/i;

/** Does the answer say Exchange Online will not serve this mailbox (the four causes' shared answer)? */
export function isMailboxNotServed(f: FailureFacts): boolean {
  return NOT_SERVED.test(allText(f));
}

/**
 * Where the mailbox is, by what was read: Exchange Online shows a mailbox on an on-premises server
 * as a synced `MailUser` ("known"); without Exchange's answer, a synced user with a licence only
 * points there ("likely": most synced users of a hybrid organisation have cloud mailboxes). The
 * Remote*Mailbox types are on-premises Exchange's view of cloud mailboxes, the other way round.
 * @see https://learn.microsoft.com/powershell/module/exchange/get-recipient
 */
function onPremises(c: FailureFacts["context"]): "known" | "likely" | null {
  const type = c.recipientTypeDetails?.toLowerCase() ?? null;
  if (type === "mailuser") return "known";
  return type === null && c.onPremisesSyncEnabled === true && c.licensed !== false ? "likely" : null;
}

function contextEvidence(f: FailureFacts): (string | null)[] {
  const c = f.context;
  return [
    quote("Mailbox", c.mailbox),
    quote("onPremisesSyncEnabled", c.onPremisesSyncEnabled),
    quote("Licensed", c.licensed),
    quote("RecipientTypeDetails", c.recipientTypeDetails),
    quote("IsInactiveMailbox", c.isInactiveMailbox),
    quote("Soft-deleted", c.softDeleted),
    c.exchangeLookup === "failed" ? "Exchange lookups: failed (the Exchange admin API did not answer)" : c.exchangeLookup === "not_granted" ? "Exchange lookups: not possible (no Exchange admin access)" : null,
  ];
}

const TODAY = "Since March 2023 Microsoft Graph does not reach mailboxes on Exchange Server (the hybrid REST preview ended)";

/** What reading the four causes apart needs, when Consentry could not. */
function lookupNote(c: FailureFacts["context"]): string {
  if (c.exchangeLookup === "failed") return " Consentry's own Exchange lookups failed this time (see the Exchange admin probe), so it could not tell them apart.";
  if (c.exchangeLookup === "not_granted") return " Granting Exchange.ManageAsApp (with a directory role) lets Consentry tell them apart itself.";
  return "";
}

function notServed(f: FailureFacts): RuleFinding | null {
  if (!isMailboxNotServed(f)) return null;
  const c = f.context;
  const evidence = contextEvidence(f);
  const who = c.mailbox ? ` (${c.mailbox})` : "";
  const type = c.recipientTypeDetails?.toLowerCase() ?? null;
  const ews = f.probe === "ews";
  if (c.isInactiveMailbox) {
    return {
      id: "mailbox_inactive",
      title: `The test mailbox${who} is inactive (kept on hold after its user was deleted)`,
      actor: "customer_admin",
      fix: "An inactive mailbox is preserved for retention and cannot be read through Graph or EWS. Pick an active mailbox as the tenant's test mailbox (or recover the inactive one to a new user if the customer needs it).",
      docs: [DOCS.inactiveMailboxes],
      evidence,
    };
  }
  if (c.softDeleted) {
    return {
      id: "mailbox_soft_deleted",
      title: `The test mailbox${who} is soft-deleted`,
      actor: "customer_admin",
      fix: "Exchange Online keeps a deleted mailbox recoverable for a while, but no API serves it. Restore the user (Microsoft 365 admin center > Deleted users) if it is still needed, or pick another mailbox as the tenant's test mailbox.",
      docs: [DOCS.restoreMailboxes],
      evidence,
    };
  }
  const place = onPremises(c);
  if (place) {
    return {
      id: "mailbox_on_premises",
      title: place === "known" ? `The test mailbox${who} is on an on-premises Exchange server` : `The test mailbox${who} is probably on an on-premises Exchange server`,
      actor: "customer_admin",
      fix: `${ews ? "EWS in Exchange Online serves only mailboxes that are in Exchange Online" : `${TODAY}`}. Move this mailbox to Exchange Online, choose a mailbox that is already in Exchange Online as the tenant's test mailbox, or reach the on-premises Exchange Server directly (its own EWS endpoint).${place === "likely" ? " Its user is synced from on-premises; confirm in Exchange Online PowerShell: Get-Recipient <mailbox> shows RecipientTypeDetails MailUser for a mailbox on-premises." : ""}`,
      docs: ews ? [DOCS.restNotSupported] : [DOCS.hybridRest, DOCS.restNotSupported],
      ...(ews ? {} : { since: "2023-03" }),
      evidence,
    };
  }
  if (c.licensed === false || type === "none") {
    return {
      id: "mailbox_unlicensed",
      title: `The test mailbox's user${who} has no Exchange Online mailbox`,
      actor: "customer_admin",
      fix: "The user has no licence that includes Exchange Online (or no mailbox at all). Assign one, or pick a licensed user with a mailbox as the tenant's test mailbox.",
      docs: [DOCS.restNotSupported],
      evidence,
    };
  }
  return {
    id: "mailbox_not_enabled",
    title: `Exchange Online does not serve the test mailbox${who} through its APIs`,
    actor: "customer_admin",
    fix: `Microsoft gives one answer for four causes: the mailbox is on an on-premises Exchange server (${ews ? "EWS in Exchange Online serves only cloud mailboxes" : "Graph has not reached those since March 2023"}), inactive, soft-deleted, or the user has no Exchange Online licence. Tell them apart in Exchange Online PowerShell: Get-Recipient <mailbox> (MailUser = on-premises), Get-Mailbox <mailbox> -InactiveMailboxOnly, Get-Mailbox <mailbox> -SoftDeletedMailbox, and the user's licences in the Microsoft 365 admin center. Then move or license the mailbox, or pick a licensed Exchange Online mailbox as the test mailbox.${lookupNote(c)}`,
    docs: ews ? [DOCS.restNotSupported] : [DOCS.restNotSupported, DOCS.hybridRest],
    ...(ews ? {} : { since: "2023-03" }),
    evidence,
  };
}

/**
 * Before March 2023, Graph's hybrid proxy answered `500 UnknownError` when the on-premises server
 * refused the app-only token. Only for a mailbox Exchange (or the user's sync) places on-premises.
 */
function onPremisesServerError(f: FailureFacts): RuleFinding | null {
  if (f.status !== 500 || f.probe === null || !MAILBOX_PROBES.has(f.probe) || f.probe === "ews") return null;
  const place = onPremises(f.context);
  if (!place) return null;
  return {
    id: "mailbox_on_premises",
    title: `The test mailbox${f.context.mailbox ? ` (${f.context.mailbox})` : ""} is ${place === "known" ? "" : "probably "}on an on-premises Exchange server, and the call failed there`,
    actor: "customer_admin",
    fix: `${TODAY}: move the mailbox to Exchange Online, or pick a mailbox in Exchange Online as the tenant's test mailbox. Only a deployment still on Graph's old hybrid proxy answers 500 like this; there the reason is in the on-premises server's IIS log (x-ms-diagnostics 2000001 or 2000008) — paste those lines into "Explain an error" for the server-side fix.`,
    docs: [DOCS.hybridRest],
    since: "2023-03",
    evidence: contextEvidence(f),
  };
}

/**
 * Graph's 403 for mailboxes: "Access to OData is disabled" (with `[RAOP] : Blocked by tenant configured
 * AppOnly AccessPolicy settings.` in today's answers) is an application access policy; the same text
 * comes from an EWS user-agent block list.
 * @see https://learn.microsoft.com/graph/auth-limit-mailbox-access
 */
const ACCESS_POLICY = /Access to OData is disabled|Blocked by tenant configured AppOnly AccessPolicy/i;
/** What Graph's hybrid REST preview answered for a mailbox it could not serve (before March 2023). */
const PREVIEW = /REST APIs for this mailbox are currently in preview/i;

export const mailboxRules: Rule[] = [
  notServed,
  onPremisesServerError,
  (f) =>
    PREVIEW.test(allText(f))
      ? {
          id: "mailbox_rest_preview",
          title: "Graph's old hybrid preview answered: the mailbox is on an on-premises Exchange server",
          actor: "customer_admin",
          fix: `This answer ("REST APIs for this mailbox are currently in preview") came from Graph's hybrid REST preview for on-premises mailboxes. It is not an access policy. ${TODAY}: move the mailbox to Exchange Online, pick an Exchange Online mailbox as the test mailbox, or reach Exchange Server directly.`,
          docs: [DOCS.hybridRest],
          since: "2023-03",
          evidence: contextEvidence(f),
        }
      : null,
  (f) => {
    if (!ACCESS_POLICY.test(allText(f))) return null;
    const missing = f.permission && f.tokenRoles !== null && !f.tokenRoles.includes(f.permission) ? f.permission : null;
    return {
      id: "access_policy_denies",
      title: "An Exchange application access policy denies the app this mailbox",
      actor: "customer_admin",
      fix: `The tenant restricts which mailboxes the app may open with an application access policy (Get-ApplicationAccessPolicy; Test-ApplicationAccessPolicy -Identity <mailbox> -AppId <app> shows the verdict). Add the mailbox to the policy's group, or pick a mailbox inside it as the test mailbox. Microsoft now recommends RBAC for Applications instead of access policies and asks admins not to create new ones. The same text is also sent when an EWS user-agent block list applies.${missing ? ` Note that ${missing} is not in the token either: it also needs granting (re-consent).` : ""}`,
      docs: [DOCS.accessPolicies, DOCS.applicationRbac],
      ...(missing ? { reconsent: true } : {}),
      evidence: [quote("Mailbox", f.context.mailbox), f.tokenRoles === null ? null : "Token roles: " + (f.tokenRoles.join(", ") || "none")],
    };
  },
  (f) =>
    (f.code === "ErrorInvalidUser" || (f.code === "Request_ResourceNotFound" && f.context.mailbox)) && (f.probe === null || MAILBOX_PROBES.has(f.probe))
      ? {
          id: "test_mailbox_missing",
          title: "The test mailbox does not exist",
          actor: "partner",
          fix: "Set the tenant's test mailbox to an existing user with an Exchange Online mailbox.",
          docs: [DOCS.graphErrors],
          evidence: [quote("Mailbox", f.context.mailbox)],
        }
      : null,
];
