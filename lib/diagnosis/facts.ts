import { aadstsCodeOf } from "@/lib/identity/aadsts";
import { TOKEN_PROBE_KEYS } from "@/lib/probes/catalog";

/**
 * What the probes (or a partner pasting an error) know beyond the failed answer itself, so a
 * diagnosis can tell apart causes that answer alike. Every field is optional: absent = unknown.
 */
export interface DiagnosisContext {
  /** The app's client ID as configured (or as the partner says). */
  clientId?: string | null;
  /** The registration's `signInAudience` (`AzureADMyOrg` = single tenant). */
  signInAudience?: string | null;
  /** The mailbox the call named. */
  mailbox?: string | null;
  /** How the Exchange admin call addressed the tenant: its initial domain, or something else. */
  exchangeAddressedBy?: "initial" | "other" | null;
  initialDomain?: string | null;
  /** The mailbox user's `onPremisesSyncEnabled` (Graph `/users/{id}`). */
  onPremisesSyncEnabled?: boolean | null;
  /** Whether the mailbox user has any licence assigned (Graph `assignedLicenses`). */
  licensed?: boolean | null;
  /** Exchange Online's `RecipientTypeDetails` for the mailbox (`Get-Recipient`), or "none" when Exchange knows no such recipient. */
  recipientTypeDetails?: string | null;
  /** Exchange Online's `IsInactiveMailbox` for the mailbox. */
  isInactiveMailbox?: boolean | null;
  /** The mailbox is in Exchange Online's soft-deleted list (`Get-Mailbox -SoftDeletedMailbox`). */
  softDeleted?: boolean | null;
  /** `Get-OrganizationConfig`: `EwsEnabled` (null = not set) and the app allow list `EwsAllowedAppIDs`. */
  ewsEnabled?: boolean | null;
  ewsAllowedAppIds?: string[] | null;
  /** Whether Consentry could ask Exchange about the mailbox: no admin access, or the admin API failed. */
  exchangeLookup?: "not_granted" | "failed" | null;
  /** `Test-ServicePrincipalAuthorization -Resource <mailbox>`: the app's RBAC for Applications assignments. */
  rbacAssignments?: { roleName: string; grantedPermissions: string; scope: string | null; inScope: boolean }[] | null;
}

/** The facts of one failed call. Header names are lower-case. */
export interface FailureFacts {
  /** Which probe: a catalog key ("mail", "exchange", "ews", …), "token", "exchange-token", "sharepoint-token"; null when not known. */
  probe: string | null;
  /** The permission the probe proves (null for token probes or when not known). */
  permission: string | null;
  /** HTTP status, or null when no answer came or it is not known. */
  status: number | null;
  /** No answer at all: the request timed out or the connection failed. */
  transport: "timeout" | "network" | null;
  /** The service's error code (Graph `error.code`, an OAuth `error`, EWS `ResponseCode`) or the portal's own. */
  code: string | null;
  /** The identity platform's AADSTS number, wherever it appeared. */
  aadsts: number | null;
  message: string | null;
  headers: Record<string, string>;
  /** Roles in the token the call was made with; null when not known. */
  tokenRoles: string[] | null;
  /** Free text that came with it: log lines, a PowerShell error. */
  text: string | null;
  context: DiagnosisContext;
}

/** Facts with defaults for what was not seen; the AADSTS number is read from the code, message or text when not given. */
export function failureFacts(partial: Partial<FailureFacts>): FailureFacts {
  const f: FailureFacts = {
    probe: null,
    permission: null,
    status: null,
    transport: null,
    code: null,
    aadsts: null,
    message: null,
    headers: {},
    tokenRoles: null,
    text: null,
    context: {},
    ...partial,
  };
  f.headers = Object.fromEntries(Object.entries(f.headers).map(([k, v]) => [k.toLowerCase(), v]));
  f.aadsts ??= aadstsCodeOf(f.code) ?? aadstsCodeOf(f.message) ?? aadstsCodeOf(f.text);
  return f;
}

/** Everything the answer said, as one text to match Microsoft's wording in. */
export function allText(f: FailureFacts): string {
  return [f.code, f.message, f.text, ...Object.values(f.headers)].filter(Boolean).join("\n");
}

export const TOKEN_PROBES: ReadonlySet<string> = new Set(TOKEN_PROBE_KEYS);
export const MAILBOX_PROBES = new Set(["mail", "mail-basic", "calendars", "contacts", "mailbox-settings", "ews"]);
