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

/** Exchange Online's view of a mailbox that lives on an on-premises Exchange server (a synced mail user). */
const ON_PREM_RECIPIENT_TYPES = new Set(["mailuser", "remoteusermailbox", "remotesharedmailbox", "remoteroommailbox", "remoteequipmentmailbox"]);

function contextEvidence(f: FailureFacts): (string | null)[] {
  const c = f.context;
  return [
    quote("Mailbox", c.mailbox),
    quote("onPremisesSyncEnabled", c.onPremisesSyncEnabled),
    quote("Licensed", c.licensed),
    quote("RecipientTypeDetails", c.recipientTypeDetails),
    quote("IsInactiveMailbox", c.isInactiveMailbox),
    quote("Soft-deleted", c.softDeleted),
  ];
}

const TODAY = "Since March 2023 Microsoft Graph does not reach mailboxes on Exchange Server (the hybrid REST preview ended)";

function notServed(f: FailureFacts): RuleFinding | null {
  if (!NOT_SERVED.test(allText(f))) return null;
  const c = f.context;
  const evidence = contextEvidence(f);
  const who = c.mailbox ? ` (${c.mailbox})` : "";
  const type = c.recipientTypeDetails?.toLowerCase() ?? null;
  if (c.softDeleted) {
    return {
      id: "mailbox_soft_deleted",
      title: `The test mailbox${who} is soft-deleted`,
      actor: "customer_admin",
      fix: "Exchange Online keeps a deleted mailbox recoverable for a while, but no API serves it. Restore the user (Microsoft 365 admin center > Deleted users) if it is still needed, or pick another mailbox as the tenant's test mailbox.",
      docs: [DOCS.restNotSupported],
      evidence,
    };
  }
  if (c.isInactiveMailbox) {
    return {
      id: "mailbox_inactive",
      title: `The test mailbox${who} is inactive (kept on hold after its user was deleted)`,
      actor: "customer_admin",
      fix: "An inactive mailbox is preserved for retention and cannot be read through Graph or EWS. Pick an active mailbox as the tenant's test mailbox (or recover the inactive one to a new user if the customer needs it).",
      docs: [DOCS.inactiveMailboxes, DOCS.restNotSupported],
      evidence,
    };
  }
  if ((type && ON_PREM_RECIPIENT_TYPES.has(type)) || (type === null && c.onPremisesSyncEnabled === true && c.licensed !== false)) {
    return {
      id: "mailbox_on_premises",
      title: `The test mailbox${who} is on an on-premises Exchange server`,
      actor: "customer_admin",
      fix: `${TODAY}. Move this mailbox to Exchange Online, choose a mailbox that is already in Exchange Online as the tenant's test mailbox, or reach the on-premises Exchange Server directly (its own EWS endpoint, outside Microsoft Graph).`,
      docs: [DOCS.hybridRest, DOCS.restNotSupported],
      since: "2023-03-31",
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
    fix: `Microsoft gives one answer for four causes: the mailbox is on an on-premises Exchange server (Graph has not reached those since March 2023), inactive, soft-deleted, or the user has no Exchange Online licence. Tell them apart in Exchange Online PowerShell: Get-Recipient <mailbox> (MailUser = on-premises), Get-Mailbox <mailbox> -InactiveMailboxOnly, Get-Mailbox <mailbox> -SoftDeletedMailbox, and the user's licences in the Microsoft 365 admin center. Then move or license the mailbox, or pick a licensed Exchange Online mailbox as the test mailbox. Granting Exchange.ManageAsApp lets Consentry tell them apart itself.`,
    docs: [DOCS.restNotSupported, DOCS.hybridRest],
    since: "2023-03-31",
    evidence,
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

/** Before March 2023, Graph's hybrid proxy answered `500 UnknownError` when the on-premises server refused the token. */
function onPremisesServerError(f: FailureFacts): RuleFinding | null {
  if (f.status !== 500 || f.probe === null || !MAILBOX_PROBES.has(f.probe) || f.probe === "ews") return null;
  const type = f.context.recipientTypeDetails?.toLowerCase() ?? null;
  if (!((type && ON_PREM_RECIPIENT_TYPES.has(type)) || (type === null && f.context.onPremisesSyncEnabled === true))) return null;
  return {
    id: "mailbox_on_premises",
    title: `The test mailbox${f.context.mailbox ? ` (${f.context.mailbox})` : ""} is on an on-premises Exchange server, which refused the call`,
    actor: "customer_admin",
    fix: `Graph's old hybrid proxy answered 500 for an on-premises mailbox whose server refused the app-only token; the reason is only in that server's IIS log (x-ms-diagnostics 2000001 or 2000008): paste those lines into "Explain an error". ${TODAY}: move the mailbox to Exchange Online or pick an Exchange Online mailbox as the test mailbox.`,
    docs: [DOCS.hybridRest],
    since: "2023-03-31",
    evidence: contextEvidence(f),
  };
}

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
          since: "2023-03-31",
          evidence: contextEvidence(f),
        }
      : null,
  (f) =>
    ACCESS_POLICY.test(allText(f))
      ? {
          id: "access_policy_denies",
          title: "An Exchange application access policy denies the app this mailbox",
          actor: "customer_admin",
          fix: "The tenant restricts which mailboxes the app may open with an application access policy (Get-ApplicationAccessPolicy; Test-ApplicationAccessPolicy -Identity <mailbox> -AppId <app> shows the verdict). Add the mailbox to the policy's group, or pick a mailbox inside it as the test mailbox. Microsoft now recommends RBAC for Applications instead of access policies (since July 2023) and asks admins not to create new ones. The same text is also sent when an EWS user-agent block list applies.",
          docs: [DOCS.accessPolicies, DOCS.applicationRbac],
          since: "2023-07-01",
          evidence: [quote("Mailbox", f.context.mailbox)],
        }
      : null,
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
