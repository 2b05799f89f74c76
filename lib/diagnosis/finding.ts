/** What a failed probe means, who must act, and how. */
export type FindingId =
  | "not_consented"
  | "consent_replicating"
  | "permission_not_granted"
  | "role_present_call_denied"
  | "hybrid_profile_missing"
  | "hybrid_partner_app_permissions"
  | "mailbox_not_enabled"
  | "test_mailbox_missing"
  | "exchange_role_missing"
  | "exchange_directory_role_missing"
  | "exchange_addressing"
  | "secret_invalid"
  | "secret_expired"
  | "certificate_not_registered"
  | "tenant_not_found"
  | "resource_not_found"
  | "throttled"
  | "service_unavailable"
  | "roles_missing_in_token"
  | "tid_mismatch"
  | "unknown";

export interface Finding {
  id: FindingId;
  title: string;
  /** Quoted facts that triggered the diagnosis (status, codes, headers, messages). */
  evidence: string[];
  /** Who has to act: the partner (app owner) or the customer's administrator. */
  actor: "partner" | "customer_admin" | "nobody";
  /** The exact fix, in words an admin can act on. */
  fix: string;
  /** Offer the tenant's re-consent link. */
  reconsent?: boolean;
  /** Microsoft does not support the fix; say so. */
  unsupported?: boolean;
  /** Waiting or retrying is expected to resolve it. */
  transient?: boolean;
}
