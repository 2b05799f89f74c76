import "server-only";

import { randomUUID } from "node:crypto";
import { PostgresAdapter, sql } from "kysely";

import type { Db } from "@/lib/db/database";
import { nowIso } from "@/lib/db/repositories/json";
import { updateFromValues } from "@/lib/db/update-from-values";
import type { BulkRunRow } from "@/lib/db/schema";
import { enqueueWebhookEvents } from "@/lib/db/repositories/webhooks";
import { bulkRunFinishedEvent } from "@/lib/webhooks/events";

export type BulkRun = BulkRunRow;

export interface BulkProgress {
  run: BulkRun;
  queued: number;
  leased: number;
  done: number;
  failed: number;
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
  const lock = isPostgres(db) ? sql`for update skip locked` : sql``;
  const result = await sql<{ tenant_id: string }>`
    update bulk_run_items
       set state = 'leased', lease_owner = ${owner}, lease_expires_at = ${expires}, attempts = attempts + 1, updated_at = ${at}
     where bulk_run_id = ${bulkRunId}
       and tenant_id in (
         select tenant_id from bulk_run_items
          where bulk_run_id = ${bulkRunId}
            and state in ('queued', 'leased')
            and (state = 'queued' or lease_expires_at < ${at})
          limit ${limit}
          ${lock})
    returning tenant_id`.execute(db);
  return result.rows.map((r) => r.tenant_id);
}

export interface BulkItemOutcome {
  tenantId: string;
  state: "done" | "failed";
  probeRunId: string | null;
}

/** Marks leased items finished, a group at a time; only the current lease holder can. Returns the tenants it marked. */
export async function completeBulkItems(db: Db, bulkRunId: string, owner: string, outcomes: BulkItemOutcome[], now: Date = new Date()): Promise<string[]> {
  return updateFromValues(db, {
    table: "bulk_run_items",
    key: "tenant_id",
    columns: ["state", "probe_run_id"],
    rows: outcomes.map((o) => [o.tenantId, o.state, o.probeRunId]),
    alsoSet: [sql`lease_owner = null`, sql`lease_expires_at = null`, sql`updated_at = ${nowIso(now)}`],
    where: [sql`bulk_run_items.bulk_run_id = ${bulkRunId}`, sql`bulk_run_items.lease_owner = ${owner}`],
  });
}

export async function getBulkProgress(db: Db, bulkRunId: string): Promise<BulkProgress | null> {
  const run = await db.selectFrom("bulk_runs").selectAll().where("id", "=", bulkRunId).executeTakeFirst();
  if (!run) return null;
  const rows = await db
    .selectFrom("bulk_run_items")
    .select((eb) => ["state", eb.fn.countAll<number>().as("n")])
    .where("bulk_run_id", "=", bulkRunId)
    .groupBy("state")
    .execute();
  const counts = { queued: 0, leased: 0, done: 0, failed: 0 };
  for (const r of rows) counts[r.state] = Number(r.n);
  return { run, ...counts };
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
