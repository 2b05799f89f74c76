import { z } from "zod";

/** What a failed call means, who must act, and how. Stable ids: stored with results, sent by the API. */
export const FINDING_IDS = [
  // The identity platform (token requests).
  "not_consented",
  "consent_replicating",
  "app_not_found",
  "client_id_mismatch",
  "app_single_tenant",
  "retired_exchange_client",
  "public_client",
  "secret_invalid",
  "secret_expired",
  "certificate_not_registered",
  "assertion_clock",
  "app_disabled",
  "conditional_access_blocked",
  "tenant_not_found",
  "resource_not_found",
  "tid_mismatch",
  "roles_missing_in_token",
  // Permissions and what restricts them in the tenant.
  "permission_not_granted",
  "role_present_call_denied",
  "access_policy_denies",
  "rbac_scope_excludes_mailbox",
  // Mailboxes.
  "mailbox_not_enabled",
  "mailbox_on_premises",
  "mailbox_inactive",
  "mailbox_soft_deleted",
  "mailbox_unlicensed",
  "mailbox_rest_preview",
  "test_mailbox_missing",
  // Exchange Server on-premises, as its own logs tell it (the hybrid REST era).
  "hybrid_profile_missing",
  "hybrid_partner_app_permissions",
  "hybrid_oauth_rejected",
  // Exchange Online.
  "exchange_role_missing",
  "exchange_directory_role_missing",
  "exchange_addressing",
  "ews_blocked",
  "ews_role_missing",
  // SharePoint.
  "sharepoint_needs_certificate",
  // Neither the app nor the tenant.
  "throttled",
  "service_unavailable",
  "unknown",
] as const;

export type FindingId = (typeof FINDING_IDS)[number];

export interface Finding {
  id: FindingId;
  title: string;
  /** Quoted facts that triggered the diagnosis (status, codes, headers, messages, what the probes read). */
  evidence: string[];
  /** Who has to act: the partner (app owner) or the customer's administrator. */
  actor: "partner" | "customer_admin" | "nobody";
  /** The exact fix, in words an admin can act on. */
  fix: string;
  /** False only for "unknown": nothing in the answer was recognised. Absent on findings stored before it existed. */
  known?: boolean;
  /** Microsoft's pages the finding rests on. */
  docs?: string[];
  /** When Microsoft changed what the finding rests on (`YYYY-MM`, the precision Microsoft announces it with), when it did. */
  since?: string;
  /** Offer the tenant's re-consent link. */
  reconsent?: boolean;
  /** Microsoft does not support the fix; say so. */
  unsupported?: boolean;
  /** Waiting or retrying is expected to resolve it. */
  transient?: boolean;
}

/** The finding as the API documents and checks it. */
export const findingSchema = z.object({
  id: z.enum(FINDING_IDS),
  title: z.string(),
  evidence: z.array(z.string()),
  actor: z.enum(["partner", "customer_admin", "nobody"]),
  fix: z.string(),
  known: z.boolean().optional(),
  docs: z.array(z.string()).optional(),
  since: z.string().optional(),
  reconsent: z.boolean().optional(),
  unsupported: z.boolean().optional(),
  transient: z.boolean().optional(),
}) satisfies z.ZodType<Finding>;
