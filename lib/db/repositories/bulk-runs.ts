import "server-only";

import { randomUUID } from "node:crypto";
import { PostgresAdapter, sql, type Updateable } from "kysely";

import type { Db } from "@/lib/db/database";
import { nowIso } from "@/lib/db/repositories/json";
import { updateFromValues } from "@/lib/db/update-from-values";
import type { BulkRunItemsTable, BulkRunRow } from "@/lib/db/schema";
import { enqueueWebhookEvents } from "@/lib/db/repositories/webhooks";
import { bulkRunFinishedEvent } from "@/lib/webhooks/events";

export type BulkRun = BulkRunRow;

export interface BulkProgress {
  run: BulkRun;
  queued: number;
  /** Every leased item, whatever the state of its lease (the three counts below split it). */
  leased: number;
  done: number;
  failed: number;
  /** Leased, but the lease has run out: the next claim takes them, as if queued. */
  leaseExpired: number;
  /** Leased, the lease still running, but its holder has not renewed it lately (a dead instance). */
  leaseStale: number;
  /** When the last of the stale leases runs out (null when there is none). */
  staleLeasesEndAt: string | null;
}

function isPostgres(db: Db): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

/** Creates a bulk run with one queued item per tenant, in one transaction. */
export async function createBulkRun(db: Db, requestedBy: string, tenantIds: string[], now: Date = new Date()): Promise<BulkRun> {
  const run: BulkRun = { id: randomUUID(), status: "running", requested_by: requestedBy, total: tenantIds.length, created_at: nowIso(now), finished_at: tenantIds.length === 0 ? nowIso(now) : null };
  if (tenantIds.length === 0) run.status = "completed";
  await db.transaction().execute(async (trx) => {
    await trx.insertInto("bulk_runs").values(run).execute();
    for (let i = 0; i < tenantIds.length; i += 500) {
      await trx
        .insertInto("bulk_run_items")
        .values(tenantIds.slice(i, i + 500).map((tenant_id) => ({ bulk_run_id: run.id, tenant_id, state: "queued" as const, updated_at: nowIso(now) })))
        .execute();
    }
  });
  return run;
}

/**
 * Creates a bulk run over every tenant that is not deleted, in one transaction. The items are
 * copied by the database itself (INSERT … SELECT), so the portal never holds the tenant list:
 * its memory is the same for 100 tenants as for 100,000.
 */
export async function createBulkRunForAllTenants(db: Db, requestedBy: string, now: Date = new Date()): Promise<BulkRun> {
  const at = nowIso(now);
  const run: BulkRun = { id: randomUUID(), status: "running", requested_by: requestedBy, total: 0, created_at: at, finished_at: null };
  await db.transaction().execute(async (trx) => {
    await trx.insertInto("bulk_runs").values(run).execute();
    const inserted = await trx
      .insertInto("bulk_run_items")
      .columns(["bulk_run_id", "tenant_id", "state", "updated_at"])
      .expression((eb) => eb.selectFrom("tenants").select([eb.val(run.id).as("bulk_run_id"), "id", eb.val("queued").as("state"), eb.val(at).as("updated_at")]).where("status", "!=", "deleted"))
      .executeTakeFirst();
    run.total = Number(inserted.numInsertedOrUpdatedRows ?? 0);
    if (run.total === 0) Object.assign(run, { status: "completed", finished_at: at });
    await trx.updateTable("bulk_runs").set({ total: run.total, status: run.status, finished_at: run.finished_at }).where("id", "=", run.id).execute();
  });
  return run;
}

/**
 * Leases up to `limit` items that are queued, or leased by someone whose lease ran out
 * (a crashed instance). One UPDATE picks and marks them; the pick walks the
 * (bulk_run_id, state) index, so claiming costs the same at the end of a large run as at
 * its start. On PostgreSQL the candidate rows are locked with FOR UPDATE SKIP LOCKED so
 * instances never lease the same tenant.
 */
export async function claimBulkItems(db: Db, bulkRunId: string, owner: string, limit: number, leaseSeconds: number, now: Date = new Date()): Promise<string[]> {
  if (limit <= 0) return [];
  const at = nowIso(now);
  const expires = nowIso(new Date(now.getTime() + leaseSeconds * 1000));
  const pick = sql`
         select tenant_id from bulk_run_items
          where bulk_run_id = ${bulkRunId}
            and state in ('queued', 'leased')
            and (state = 'queued' or lease_expires_at < ${at})
          limit ${limit}`;
  // PostgreSQL: the pick runs once, as an InitPlan (array(…)); as `in (subquery)` the planner may
  // rescan it per row, and each rescan (skipping only others' locks) picks more than `limit`.
  const picked = isPostgres(db) ? sql`tenant_id = any(array(${pick} for update skip locked))` : sql`tenant_id in (${pick})`;
  const result = await sql<{ tenant_id: string }>`
    update bulk_run_items
       set state = 'leased', lease_owner = ${owner}, lease_expires_at = ${expires}, heartbeat_at = ${at}, attempts = attempts + 1, updated_at = ${at}
     where bulk_run_id = ${bulkRunId}
       and ${picked}
    returning tenant_id`.execute(db);
  return result.rows.map((r) => r.tenant_id);
}

export interface BulkItemOutcome {
  tenantId: string;
  state: "done" | "failed";
  probeRunId: string | null;
}

/**
 * Marks leased items finished, a group at a time, and notes who finished them; only the
 * current lease holder can. Returns the tenants it marked.
 */
export async function completeBulkItems(db: Db, bulkRunId: string, owner: string, outcomes: BulkItemOutcome[], now: Date = new Date()): Promise<string[]> {
  return updateFromValues(db, {
    table: "bulk_run_items",
    key: "tenant_id",
    columns: ["state", "probe_run_id"],
    rows: outcomes.map((o) => [o.tenantId, o.state, o.probeRunId]),
    alsoSet: [sql`lease_owner = null`, sql`lease_expires_at = null`, sql`heartbeat_at = null`, sql`finished_by = ${owner}`, sql`updated_at = ${nowIso(now)}`],
    where: [sql`bulk_run_items.bulk_run_id = ${bulkRunId}`, sql`bulk_run_items.state = 'leased'`, sql`bulk_run_items.lease_owner = ${owner}`],
  });
}

/** Bound parameters per statement stay far below either engine's limit. */
const ID_CHUNK = 500;

/** Applies `changes` to the items of these tenants that `owner` still holds; returns the tenants changed. */
async function updateOwnLeases(db: Db, bulkRunId: string, owner: string, tenantIds: readonly string[], changes: Updateable<BulkRunItemsTable>): Promise<string[]> {
  const changed: string[] = [];
  for (let i = 0; i < tenantIds.length; i += ID_CHUNK) {
    const rows = await db
      .updateTable("bulk_run_items")
      .set(changes)
      .where("bulk_run_id", "=", bulkRunId)
      .where("state", "=", "leased")
      .where("lease_owner", "=", owner)
      .where("tenant_id", "in", tenantIds.slice(i, i + ID_CHUNK))
      .returning("tenant_id")
      .execute();
    changed.push(...rows.map((r) => r.tenant_id));
  }
  return changed;
}

/**
 * The heartbeat: extends the leases `owner` still holds on these tenants by `leaseSeconds`
 * from now. Returns the tenants whose lease it renewed; a tenant missing from the answer is
 * no longer the owner's (its lease ran out and another instance took it, or it is finished).
 */
export async function renewBulkLeases(db: Db, bulkRunId: string, owner: string, tenantIds: readonly string[], leaseSeconds: number, now: Date = new Date()): Promise<string[]> {
  return updateOwnLeases(db, bulkRunId, owner, tenantIds, { lease_expires_at: nowIso(new Date(now.getTime() + leaseSeconds * 1000)), heartbeat_at: nowIso(now) });
}

/**
 * Gives leases back (an instance shutting down): the items are queued again, so another
 * instance takes them at its next claim instead of after the lease runs out. Only the
 * owner's own leases are touched. Returns the tenants released.
 */
export async function releaseBulkItems(db: Db, bulkRunId: string, owner: string, tenantIds: readonly string[], now: Date = new Date()): Promise<string[]> {
  return updateOwnLeases(db, bulkRunId, owner, tenantIds, { state: "queued", lease_owner: null, lease_expires_at: null, heartbeat_at: null, updated_at: nowIso(now) });
}

/**
 * A bulk run's items counted by state, with its leases split by health at `now`: a lease whose
 * holder has not renewed it since `staleAfterSeconds` ago is stale (its holder is dead and the
 * tenant waits for the lease to run out), one past its expiry is as good as queued.
 */
export async function getBulkProgress(db: Db, bulkRunId: string, options: { now?: Date; staleAfterSeconds?: number } = {}): Promise<BulkProgress | null> {
  const run = await db.selectFrom("bulk_runs").selectAll().where("id", "=", bulkRunId).executeTakeFirst();
  if (!run) return null;
  const now = nowIso(options.now ?? new Date());
  const expired = sql<boolean>`lease_expires_at < ${now}`;
  // Items leased before heartbeats existed have none: the lease's last change stands in.
  const stale =
    options.staleAfterSeconds === undefined
      ? sql<boolean>`1 = 0`
      : sql<boolean>`lease_expires_at >= ${now} and coalesce(heartbeat_at, updated_at) < ${nowIso(new Date(Date.parse(now) - options.staleAfterSeconds * 1000))}`;
  const rows = await db
    .selectFrom("bulk_run_items")
    .select((eb) => [
      "state",
      eb.fn.countAll<number>().as("n"),
      sql<number>`sum(case when state = 'leased' and ${expired} then 1 else 0 end)`.as("expired"),
      sql<number>`sum(case when state = 'leased' and ${stale} then 1 else 0 end)`.as("stale"),
      sql<string | null>`max(case when state = 'leased' and ${stale} then lease_expires_at end)`.as("stale_until"),
    ])
    .where("bulk_run_id", "=", bulkRunId)
    .groupBy("state")
    .execute();
  const progress: BulkProgress = { run, queued: 0, leased: 0, done: 0, failed: 0, leaseExpired: 0, leaseStale: 0, staleLeasesEndAt: null };
  for (const r of rows) {
    progress[r.state] = Number(r.n);
    if (r.state !== "leased") continue;
    progress.leaseExpired = Number(r.expired ?? 0);
    progress.leaseStale = Number(r.stale ?? 0);
    progress.staleLeasesEndAt = r.stale_until ?? null;
  }
  return progress;
}

/** Closes the run once no item is queued or leased. */
export async function finishBulkRunIfDone(db: Db, bulkRunId: string, now: Date = new Date()): Promise<boolean> {
  const open = await db
    .selectFrom("bulk_run_items")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("bulk_run_id", "=", bulkRunId)
    .where("state", "in", ["queued", "leased"])
    .executeTakeFirstOrThrow();
  if (Number(open.n) > 0) return false;
  await db.transaction().execute(async (trx) => {
    const closed = await trx.updateTable("bulk_runs").set({ status: "completed", finished_at: nowIso(now) }).where("id", "=", bulkRunId).where("status", "=", "running").returningAll().executeTakeFirst();
    if (!closed) return;
    // Announced once, by whichever instance closed the run.
    const progress = await getBulkProgress(trx, bulkRunId);
    const failing = await trx.selectFrom("probe_runs").select("tenant_id").distinct().where("bulk_run_id", "=", bulkRunId).where("status", "in", ["failed", "error"]).execute();
    const event = bulkRunFinishedEvent({ bulkRunId, total: closed.total, done: progress?.done ?? 0, failed: progress?.failed ?? 0, failingTenants: failing.length, requestedBy: closed.requested_by, startedAt: closed.created_at }, now);
    await enqueueWebhookEvents(trx, [event], { now });
  });
  return true;
}

export async function listRunningBulkRuns(db: Db): Promise<BulkRun[]> {
  return db.selectFrom("bulk_runs").selectAll().where("status", "=", "running").orderBy("created_at").execute();
}

export async function latestBulkRun(db: Db): Promise<BulkRun | null> {
  return (await db.selectFrom("bulk_runs").selectAll().orderBy("created_at", "desc").limit(1).executeTakeFirst()) ?? null;
}
