import "server-only";

import { z } from "zod";

import { getDb } from "@/lib/db/database";
import { listAudit, type AuditEntry } from "@/lib/db/repositories/audit";
import { isGuid, isTenantGuid } from "@/lib/identity/tenant-id";

/** What each audit action means, in words; unknown actions (from a newer version) show as they are. */
export const AUDIT_ACTIONS: Record<string, string> = {
  "invite.created": "Created an invite",
  "invite.link_renewed": "Renewed an invite's link",
  "invite.revoked": "Revoked an invite",
  "consent.started": "Consent started",
  "consent.signed_in": "Customer admin signed in after consent",
  "consent.verified": "Consent verified with a token",
  "consent.failed": "Consent could not be verified",
  "tenant.imported": "Added a tenant that had consented",
  "tenant.test_mailbox_set": "Set a tenant's test mailbox",
  "probes.run": "Ran a tenant's probes",
  "probes.bulk_started": "Started testing all tenants",
  "probes.bulk_scheduled": "Scheduled test of all tenants started",
  "schedule.changed": "Changed the re-test schedule",
  "permissions.refreshed": "Read the app registration's permissions",
  "partner.signed_in": "Signed in",
  "partner.signed_out": "Signed out",
  "partner.sign_in_refused": "Sign-in refused (not the partner tenant)",
  "partner.sign_in_refused_no_role": "Sign-in refused (no role)",
  "partner.sessions_revoked": "Signed everyone out",
  "partner.forbidden": "Refused: role too low",
  "api_key.created": "Created an API key",
  "api_key.revoked": "Revoked an API key",
  "campaign.started": "Started a re-consent campaign",
  "campaign.links_reissued": "Made new links for a campaign",
  "tenant.offboarded": "Removed a tenant from Consentry",
};

export const auditFilterSchema = z.object({
  action: z.string().regex(/^[a-z_.]{1,80}$/).optional().catch(undefined),
  actor: z.string().trim().max(320).optional().catch(undefined).transform((v) => v || undefined),
  target: z.string().trim().max(100).optional().catch(undefined).transform((v) => v || undefined),
  before: z.string().regex(/^\d{4}-\d\d-\d\dT[\d:.]+Z$/).optional().catch(undefined),
});
export type AuditFilter = z.output<typeof auditFilterSchema>;

export interface AuditRowView extends AuditEntry {
  label: string;
  /** Where the target can be seen, when it is something the dashboard shows. */
  targetHref: string | null;
  /** The details as short "key: value" text. */
  summary: string;
}

function targetHref(entry: AuditEntry): string | null {
  const target = entry.target;
  if (!target) return null;
  if (entry.action.startsWith("invite.")) return "/dashboard/invites";
  if (entry.action.startsWith("api_key.")) return "/dashboard/settings#api-keys";
  if (entry.action.startsWith("campaign.")) return `/dashboard/campaigns/${target}`;
  if (entry.action.startsWith("probes.bulk")) return isGuid(target) ? `/dashboard/bulk/${target}` : null;
  if (isTenantGuid(target) && (entry.action.startsWith("tenant.") || entry.action.startsWith("consent.") || entry.action === "probes.run")) return `/dashboard/tenants/${target}`;
  return null;
}

function summaryOf(details: Record<string, unknown> | null): string {
  if (!details) return "";
  return Object.entries(details)
    .filter(([, v]) => v !== null && v !== undefined && v !== "")
    .map(([k, v]) => `${k}: ${typeof v === "object" ? JSON.stringify(v) : String(v)}`)
    .join("; ")
    .slice(0, 300);
}

/** One page (100) of the audit log, newest first, filtered, readable. */
export async function getAuditView(filter: AuditFilter): Promise<{ rows: AuditRowView[]; nextBefore: string | null; actions: [string, string][] }> {
  const entries = await listAudit(await getDb(), { limit: 100, before: filter.before, action: filter.action, actor: filter.actor, target: filter.target });
  return {
    rows: entries.map((e) => ({ ...e, label: AUDIT_ACTIONS[e.action] ?? e.action, targetHref: targetHref(e), summary: summaryOf(e.details) })),
    nextBefore: entries.length === 100 ? entries[entries.length - 1]!.at : null,
    actions: Object.entries(AUDIT_ACTIONS),
  };
}
