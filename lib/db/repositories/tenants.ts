import "server-only";

import { z } from "zod";

import type { Db } from "@/lib/db/database";
import { fromJson, nowIso } from "@/lib/db/repositories/json";
import { updateFromValues } from "@/lib/db/update-from-values";
import type { ProbeRunStatus } from "@/lib/db/repositories/probe-runs";
import type { TenantRow, TenantStatus, TenantUpdate } from "@/lib/db/schema";
import { AppError } from "@/lib/errors";

export interface Tenant {
  id: string;
  displayName: string | null;
  initialDomain: string | null;
  defaultDomain: string | null;
  status: TenantStatus;
  consentedPermissionSetVersion: number | null;
  roles: string[];
  testMailbox: string | null;
  /** Who confirmed the last consent by signing in, in the consenting browser. */
  consentedBy: { name: string; upn: string | null; oid: string | null } | null;
  consentedAt: string | null;
  verifiedAt: string | null;
  lastProbeRunId: string | null;
  /** The status of that run. */
  lastCheckStatus: ProbeRunStatus | null;
  /** When that run started. */
  lastCheckAt: string | null;
  createdAt: string;
  updatedAt: string;
}

const ROLES = z.array(z.string());

/** A tenants row as the domain type (for the queries that select whole rows elsewhere, such as the search). */
export function toTenant(row: TenantRow): Tenant {
  return {
    id: row.id,
    displayName: row.display_name,
    initialDomain: row.initial_domain,
    defaultDomain: row.default_domain,
    status: row.status,
    consentedPermissionSetVersion: row.consented_permission_set_version,
    roles: fromJson(row.roles, ROLES, "tenants.roles") ?? [],
    testMailbox: row.test_mailbox,
    consentedBy: row.consented_by ? { name: row.consented_by, upn: row.consented_by_upn, oid: row.consented_by_oid } : null,
    consentedAt: row.consented_at,
    verifiedAt: row.verified_at,
    lastProbeRunId: row.last_probe_run_id,
    lastCheckStatus: row.last_check_status,
    lastCheckAt: row.last_check_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export interface TenantChanges {
  displayName?: string | null;
  initialDomain?: string | null;
  defaultDomain?: string | null;
  status?: TenantStatus;
  consentedPermissionSetVersion?: number | null;
  roles?: string[];
  testMailbox?: string | null;
  consentedBy?: { name: string; upn: string | null; oid: string | null } | null;
  consentedAt?: string | null;
  verifiedAt?: string | null;
  /** The tenant's latest run: its id, status and start are written together. */
  lastProbeRun?: { id: string; status: ProbeRunStatus; startedAt: string };
}

function toColumns(changes: TenantChanges): TenantUpdate {
  const columns: TenantUpdate = {};
  if (changes.displayName !== undefined) columns.display_name = changes.displayName;
  if (changes.initialDomain !== undefined) columns.initial_domain = changes.initialDomain;
  if (changes.defaultDomain !== undefined) columns.default_domain = changes.defaultDomain;
  if (changes.status !== undefined) columns.status = changes.status;
  if (changes.consentedPermissionSetVersion !== undefined) columns.consented_permission_set_version = changes.consentedPermissionSetVersion;
  if (changes.roles !== undefined) columns.roles = JSON.stringify([...changes.roles].sort());
  if (changes.testMailbox !== undefined) columns.test_mailbox = changes.testMailbox;
  if (changes.consentedBy !== undefined) {
    columns.consented_by = changes.consentedBy?.name ?? null;
    columns.consented_by_upn = changes.consentedBy?.upn ?? null;
    columns.consented_by_oid = changes.consentedBy?.oid ?? null;
  }
  if (changes.consentedAt !== undefined) columns.consented_at = changes.consentedAt;
  if (changes.verifiedAt !== undefined) columns.verified_at = changes.verifiedAt;
  if (changes.lastProbeRun !== undefined) {
    columns.last_probe_run_id = changes.lastProbeRun.id;
    columns.last_check_status = changes.lastProbeRun.status;
    columns.last_check_at = changes.lastProbeRun.startedAt;
  }
  return columns;
}

/**
 * Creates the tenant or updates the given fields of the existing one, atomically on
 * the primary key: concurrent callbacks for one tenant always end with one row.
 */
export async function upsertTenant(db: Db, id: string, changes: TenantChanges & { status: TenantStatus }, now?: Date): Promise<Tenant> {
  const tenantId = id.toLowerCase();
  const at = nowIso(now);
  const columns = toColumns(changes);
  await db
    .insertInto("tenants")
    .values({ id: tenantId, created_at: at, updated_at: at, ...columns } as TenantRow)
    .onConflict((oc) => oc.column("id").doUpdateSet({ ...columns, updated_at: at }))
    .execute();
  const tenant = await getTenant(db, tenantId);
  if (!tenant) throw new AppError("tenant_not_saved", `Tenant ${tenantId} vanished after it was saved.`);
  return tenant;
}

/** Updates an existing tenant; returns null when there is no such tenant. */
export async function updateTenant(db: Db, id: string, changes: TenantChanges, now?: Date): Promise<Tenant | null> {
  const result = await db
    .updateTable("tenants")
    .set({ ...toColumns(changes), updated_at: nowIso(now) })
    .where("id", "=", id.toLowerCase())
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0 ? getTenant(db, id) : null;
}

/**
 * Applies many tenants' changes at once (a bulk run recording a group of tenants): tenants
 * whose changes touch the same columns share one UPDATE, instead of a statement each.
 * Returns the IDs of the tenants that exist and were updated.
 */
export async function updateTenantsQuietly(db: Db, updates: { id: string; changes: TenantChanges; now?: Date }[]): Promise<string[]> {
  const byColumns = new Map<string, TenantUpdate[]>();
  for (const update of updates) {
    const columns: TenantUpdate = { ...toColumns(update.changes), updated_at: nowIso(update.now), id: update.id.toLowerCase() };
    const key = Object.keys(columns).sort().join(",");
    let group = byColumns.get(key);
    if (!group) byColumns.set(key, (group = []));
    group.push(columns);
  }
  const updated: string[] = [];
  for (const [key, group] of byColumns) {
    const names = key.split(",").filter((name) => name !== "id") as (keyof TenantUpdate)[];
    const rows = group.map((columns) => [columns.id, ...names.map((name) => columns[name])]);
    updated.push(...(await updateFromValues(db, { table: "tenants", key: "id", columns: names, rows, casts: { consented_permission_set_version: "integer" } })));
  }
  return updated;
}

export async function getTenant(db: Db, id: string): Promise<Tenant | null> {
  const row = await db.selectFrom("tenants").selectAll().where("id", "=", id.toLowerCase()).executeTakeFirst();
  return row ? toTenant(row) : null;
}

/** The tenants with these IDs that exist, in no particular order. */
export async function getTenants(db: Db, ids: string[]): Promise<Tenant[]> {
  if (ids.length === 0) return [];
  const rows = await db.selectFrom("tenants").selectAll().where("id", "in", ids.map((id) => id.toLowerCase())).execute();
  return rows.map(toTenant);
}

export async function listTenants(db: Db, options: { status?: TenantStatus; limit?: number; offset?: number } = {}): Promise<Tenant[]> {
  let query = db.selectFrom("tenants").selectAll();
  if (options.status) query = query.where("status", "=", options.status);
  const rows = await query
    .orderBy("updated_at", "desc")
    .orderBy("id")
    .limit(options.limit ?? 1000)
    .offset(options.offset ?? 0)
    .execute();
  return rows.map(toTenant);
}

export async function countTenantsByStatus(db: Db): Promise<Record<TenantStatus, number>> {
  const rows = await db
    .selectFrom("tenants")
    .select((eb) => ["status", eb.fn.countAll<number>().as("count")])
    .groupBy("status")
    .execute();
  const counts: Record<TenantStatus, number> = { verifying: 0, consented: 0, failed: 0, revoked: 0, deleted: 0 };
  for (const row of rows) counts[row.status] = Number(row.count);
  return counts;
}
