import type { ColumnType, Generated, Insertable, Selectable, Updateable } from "kysely";
import type { ScheduleTables } from "@/lib/db/schema-schedules";
import type { WebhookTables } from "@/lib/db/schema-webhooks";

/**
 * Table types, identical on SQLite and PostgreSQL. Portable column types only:
 * ids are text (UUIDs, tenant GUIDs), timestamps are ISO-8601 UTC text (they sort
 * as text), flags are integers 0/1, structured values are JSON text.
 */

/** ISO-8601 UTC timestamp, e.g. 2026-11-23T10:00:00.000Z. */
export type Timestamp = string;
/** JSON serialised to text; parse with the repository's zod schema when reading. */
export type JsonText = string;

export interface PermissionSetsTable {
  version: number;
  label: string;
  /** JSON array of {resource, value, appRoleId, displayName, description} (before 0004: {resource, permission}). */
  permissions: JsonText;
  /** "registration" (read from Graph), "fallback" (APP_PERMISSIONS) or "settings" (before 0004). */
  source: Generated<string>;
  created_at: Timestamp;
}

export interface InvitesTable {
  id: string;
  /** SHA-256 (hex) of the invite code; the code itself is never stored. */
  code_hash: string;
  customer_name: string;
  /** GUID or domain the customer's tenant is expected to be; null when any tenant may accept. */
  tenant_hint: string | null;
  permission_set_version: number;
  created_by: string;
  created_at: Timestamp;
  expires_at: Timestamp;
  revoked_at: Timestamp | null;
  revoked_by: string | null;
  opened_at: Timestamp | null;
  consented_at: Timestamp | null;
  failed_at: Timestamp | null;
  last_error: string | null;
  tenant_id: string | null;
  /** The re-consent campaign that issued it, if one did. */
  campaign_id: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface ReconsentCampaignsTable {
  id: string;
  /** The permission-set version the campaign brings tenants to. */
  permission_set_version: number;
  created_by: string;
  created_at: Timestamp;
}

export const TENANT_STATUSES = ["verifying", "consented", "failed", "revoked", "deleted"] as const;
export type TenantStatus = (typeof TENANT_STATUSES)[number];

export interface TenantsTable {
  /** Tenant GUID, lower case. */
  id: string;
  display_name: string | null;
  initial_domain: string | null;
  default_domain: string | null;
  status: TenantStatus;
  consented_permission_set_version: number | null;
  /** JSON array of role values seen in the last app-only token. */
  roles: ColumnType<JsonText, JsonText | undefined, JsonText>;
  test_mailbox: string | null;
  /** Display name of the user whose bound sign-in confirmed the last consent. */
  consented_by: string | null;
  consented_by_oid: string | null;
  consented_by_upn: string | null;
  consented_at: Timestamp | null;
  verified_at: Timestamp | null;
  last_probe_run_id: string | null;
  /** The status of that run, written with it (the counts and the "last check" filter read it without a join). */
  last_check_status: ColumnType<ProbeRunsTable["status"] | null, ProbeRunsTable["status"] | null | undefined, ProbeRunsTable["status"] | null>;
  /** When that run started, written with it (the "last check" sort walks an index over it). */
  last_check_at: ColumnType<Timestamp | null, Timestamp | null | undefined, Timestamp | null>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export const CONSENT_EVENT_KINDS = ["opened", "started", "callback", "verified", "failed"] as const;
export type ConsentEventKind = (typeof CONSENT_EVENT_KINDS)[number];

export interface ConsentEventsTable {
  id: string;
  invite_id: string | null;
  /** The tenant the callback claimed; only trustworthy when `verified` is 1. */
  tenant_id: string | null;
  kind: ConsentEventKind;
  verified: ColumnType<number, number | undefined, number>;
  error_code: string | null;
  error_description: string | null;
  trace_id: string | null;
  correlation_id: string | null;
  details: JsonText | null;
  ip: string | null;
  user_agent: string | null;
  created_at: Timestamp;
}

export interface BulkRunsTable {
  id: string;
  status: "running" | "completed" | "cancelled";
  requested_by: string;
  total: number;
  created_at: Timestamp;
  finished_at: Timestamp | null;
}

export interface BulkRunItemsTable {
  bulk_run_id: string;
  tenant_id: string;
  state: "queued" | "leased" | "done" | "failed";
  lease_owner: string | null;
  lease_expires_at: Timestamp | null;
  attempts: ColumnType<number, number | undefined, number>;
  probe_run_id: string | null;
  updated_at: Timestamp;
  /** When the lease holder last renewed its lease. */
  heartbeat_at: ColumnType<Timestamp | null, Timestamp | null | undefined, Timestamp | null>;
  /** The instance that recorded this tenant's result. */
  finished_by: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface ProbeRunsTable {
  id: string;
  tenant_id: string;
  bulk_run_id: string | null;
  trigger: "consent" | "manual" | "bulk" | "api";
  iterations: ColumnType<number, number | undefined, number>;
  status: "running" | "passed" | "failed" | "error";
  started_at: Timestamp;
  finished_at: Timestamp | null;
  summary: JsonText | null;
}

export interface ProbeResultsTable {
  id: string;
  run_id: string;
  iteration: ColumnType<number, number | undefined, number>;
  probe: string;
  permission: string | null;
  outcome: "pass" | "fail" | "skip" | "error";
  http_status: number | null;
  latency_ms: number | null;
  request_id: string | null;
  error_code: string | null;
  error_message: string | null;
  finding: JsonText | null;
  created_at: Timestamp;
}

export interface AuditLogTable {
  id: string;
  at: Timestamp;
  /** Who: a partner UPN, `admin:<tenant>`, `api-key:<name>` or `system`. */
  actor: string;
  action: string;
  target: string | null;
  details: JsonText | null;
  ip: string | null;
  user_agent: string | null;
}

export const CONSENT_ATTEMPT_STATUSES = ["verifying", "verified", "failed"] as const;
export type ConsentAttemptStatus = (typeof CONSENT_ATTEMPT_STATUSES)[number];

export interface ConsentAttemptsTable {
  id: string;
  invite_id: string | null;
  /** SHA-256 of the OAuth state; unique, so a state completes at most one attempt. */
  state_hash: string;
  /** The tenant GUID the callback claimed; proven only when status is verified. */
  tenant_claim: string;
  status: ConsentAttemptStatus;
  tries: ColumnType<number, number | undefined, number>;
  last_error_code: string | null;
  last_error: string | null;
  /** JSON array of roles in the verifying token. */
  roles: JsonText | null;
  started_at: Timestamp;
  deadline_at: Timestamp;
  finished_at: Timestamp | null;
  ip: string | null;
  user_agent: string | null;
  /** Who signed in, in the consenting browser, with an id_token of the claimed tenant. */
  signed_in_oid: string | null;
  signed_in_name: string | null;
  signed_in_upn: string | null;
}

/** Settings an admin changes at run time, by key (e.g. `partner_session_version`). */
export interface PortalSettingsTable {
  key: string;
  value: string;
  updated_at: Timestamp;
  updated_by: string | null;
}

export interface ApiKeysTable {
  id: string;
  name: string;
  /** reader | operator | admin, as a partner's role. */
  role: string;
  /** The key's first characters, shown to tell keys apart (never enough to use it). */
  prefix: string;
  /** SHA-256 (hex) of the whole key. */
  key_hash: string;
  created_by: string;
  created_at: Timestamp;
  last_used_at: Timestamp | null;
  revoked_at: Timestamp | null;
  revoked_by: string | null;
}

export interface MigrationsTable {
  version: number;
  name: string;
  applied_at: Timestamp;
}

export interface Database extends WebhookTables, ScheduleTables {
  consentry_migrations: MigrationsTable;
  permission_sets: PermissionSetsTable;
  invites: InvitesTable;
  tenants: TenantsTable;
  consent_events: ConsentEventsTable;
  consent_attempts: ConsentAttemptsTable;
  bulk_runs: BulkRunsTable;
  bulk_run_items: BulkRunItemsTable;
  probe_runs: ProbeRunsTable;
  probe_results: ProbeResultsTable;
  audit_log: AuditLogTable;
  portal_settings: PortalSettingsTable;
  api_keys: ApiKeysTable;
  reconsent_campaigns: ReconsentCampaignsTable;
}

export type PermissionSetRow = Selectable<PermissionSetsTable>;
export type InviteRow = Selectable<InvitesTable>;
export type NewInvite = Insertable<InvitesTable>;
export type TenantRow = Selectable<TenantsTable>;
export type TenantUpdate = Updateable<TenantsTable>;
export type ConsentEventRow = Selectable<ConsentEventsTable>;
export type ConsentAttemptRow = Selectable<ConsentAttemptsTable>;
export type ProbeRunRow = Selectable<ProbeRunsTable>;
export type ProbeResultRow = Selectable<ProbeResultsTable>;
export type AuditRow = Selectable<AuditLogTable>;
export type BulkRunRow = Selectable<BulkRunsTable>;
export type ApiKeyRow = Selectable<ApiKeysTable>;
export type BulkRunItemRow = Selectable<BulkRunItemsTable>;
