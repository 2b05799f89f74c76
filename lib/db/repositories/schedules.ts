import "server-only";

import { PostgresAdapter, sql } from "kysely";

import type { Db } from "@/lib/db/database";
import { appendAudit, type NewAuditEntry } from "@/lib/db/repositories/audit";
import type { BulkRun } from "@/lib/db/repositories/bulk-runs";
import { nowIso } from "@/lib/db/repositories/json";
import type { RetestScheduleTable, ScheduledRunsTable } from "@/lib/db/schema-schedules";
import { dueSlotAt, scheduleAnchor, type ScheduleRule } from "@/lib/schedules/next-due";

/** Who the audit log and the bulk run name as having asked for a scheduled run. */
export const SCHEDULE_ACTOR = "schedule";

export interface RetestSchedule {
  rule: ScheduleRule;
  updatedAt: string;
  updatedBy: string | null;
}

export interface ScheduledRun {
  slotAt: string;
  claimedBy: string;
  claimedAt: string;
  leaseUntil: string;
  bulkRunId: string | null;
}

/** A slot this instance holds the lease on and must now start. */
export interface ClaimedSlot {
  slotAt: string;
  /** A bulk run an earlier claimer created for this slot but died before recording; attach it instead of starting another. */
  orphan: Pick<BulkRun, "id" | "total"> | null;
}

function isPostgres(db: Db): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

function toRule(row: Pick<RetestScheduleTable, "mode" | "every_hours" | "daily_at">): ScheduleRule {
  if (row.mode === "interval" && row.every_hours !== null) return { mode: "interval", everyHours: row.every_hours };
  if (row.mode === "daily" && row.daily_at !== null) return { mode: "daily", at: row.daily_at };
  return { mode: "off" };
}

function toScheduledRun(row: ScheduledRunsTable): ScheduledRun {
  return { slotAt: row.slot_at, claimedBy: row.claimed_by, claimedAt: row.claimed_at, leaseUntil: row.lease_until, bulkRunId: row.bulk_run_id };
}

function sameRule(a: ScheduleRule, b: ScheduleRule): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

export async function getRetestSchedule(db: Db): Promise<RetestSchedule> {
  const row = await db.selectFrom("retest_schedule").selectAll().where("id", "=", 1).executeTakeFirstOrThrow();
  return { rule: toRule(row), updatedAt: row.updated_at, updatedBy: row.updated_by };
}

/**
 * Sets the schedule and audits the change, in one transaction. Saving the rule already in
 * force changes nothing (and does not restart the count).
 */
export async function setRetestSchedule(db: Db, rule: ScheduleRule, actor: string, audit: Omit<NewAuditEntry, "actor" | "action" | "target" | "details">, now: Date = new Date()): Promise<{ schedule: RetestSchedule; changed: boolean }> {
  return db.transaction().execute(async (trx) => {
    const before = await getRetestSchedule(trx);
    if (sameRule(before.rule, rule)) return { schedule: before, changed: false };
    const updatedAt = nowIso(now);
    await trx
      .updateTable("retest_schedule")
      .set({ mode: rule.mode, every_hours: rule.mode === "interval" ? rule.everyHours : null, daily_at: rule.mode === "daily" ? rule.at : null, updated_at: updatedAt, updated_by: actor })
      .where("id", "=", 1)
      .execute();
    await appendAudit(trx, { ...audit, actor, action: "schedule.changed", target: "retest_schedule", details: { from: before.rule, to: rule } });
    return { schedule: { rule, updatedAt, updatedBy: actor }, changed: true };
  });
}

export async function latestScheduledRun(db: Db): Promise<ScheduledRun | null> {
  const row = await db.selectFrom("scheduled_runs").selectAll().orderBy("slot_at", "desc").limit(1).executeTakeFirst();
  return row ? toScheduledRun(row) : null;
}

export async function listScheduledRuns(db: Db): Promise<ScheduledRun[]> {
  return (await db.selectFrom("scheduled_runs").selectAll().orderBy("slot_at").execute()).map(toScheduledRun);
}

/**
 * Claims the slot due at `now`, if any, for `owner`: exactly one caller across instances gets
 * it. The claim runs under the schedule row's lock (PostgreSQL: SELECT … FOR UPDATE; SQLite
 * serialises writers itself), so claimers see each other's slots; the slot's time is the primary
 * key besides. A slot claimed earlier whose bulk run was never recorded (its claimer died) is
 * taken over once its lease has run out (at once by the same owner, retrying), together with the bulk run the claimer may have
 * created just before it died.
 */
export async function claimDueSlot(db: Db, owner: string, now: Date, leaseSeconds: number): Promise<ClaimedSlot | null> {
  const at = nowIso(now);
  const leaseUntil = nowIso(new Date(now.getTime() + leaseSeconds * 1000));
  return db.transaction().execute(async (trx) => {
    const lock = isPostgres(db) ? sql`for update` : sql``;
    const { rows } = await sql<RetestScheduleTable>`select * from retest_schedule where id = 1 ${lock}`.execute(trx);
    const row = rows[0];
    if (!row || row.mode === "off") return null;
    const last = await latestScheduledRun(trx);
    if (last && last.bulkRunId === null) {
      if (last.leaseUntil > at && last.claimedBy !== owner) return null; // another instance is starting it right now
      await trx.updateTable("scheduled_runs").set({ claimed_by: owner, lease_until: leaseUntil }).where("slot_at", "=", last.slotAt).where("bulk_run_id", "is", null).execute();
      const orphan = await trx
        .selectFrom("bulk_runs")
        .select(["id", "total"])
        .where("requested_by", "=", SCHEDULE_ACTOR)
        .where("created_at", ">=", last.claimedAt)
        .where("id", "not in", trx.selectFrom("scheduled_runs").select("bulk_run_id").where("bulk_run_id", "is not", null).$narrowType<{ bulk_run_id: string }>())
        .orderBy("created_at")
        .limit(1)
        .executeTakeFirst();
      return { slotAt: last.slotAt, orphan: orphan ?? null };
    }
    const anchor = scheduleAnchor(last ? new Date(last.slotAt) : null, new Date(row.updated_at));
    const slot = dueSlotAt(toRule(row), anchor, now);
    if (!slot) return null;
    const inserted = await trx
      .insertInto("scheduled_runs")
      .values({ slot_at: nowIso(slot), claimed_by: owner, claimed_at: at, lease_until: leaseUntil, bulk_run_id: null })
      .onConflict((oc) => oc.column("slot_at").doNothing())
      .returning("slot_at")
      .executeTakeFirst();
    return inserted ? { slotAt: inserted.slot_at, orphan: null } : null;
  });
}

/**
 * Records the bulk run started for a claimed slot and audits it, in one transaction; only the
 * lease holder can. False when the lease was lost meanwhile (the run started anyway is logged).
 */
export async function attachScheduledBulkRun(db: Db, slotAt: string, owner: string, run: Pick<BulkRun, "id" | "total">): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const updated = await trx.updateTable("scheduled_runs").set({ bulk_run_id: run.id }).where("slot_at", "=", slotAt).where("claimed_by", "=", owner).where("bulk_run_id", "is", null).executeTakeFirst();
    if (Number(updated.numUpdatedRows) !== 1) return false;
    await appendAudit(trx, { actor: SCHEDULE_ACTOR, action: "probes.bulk_scheduled", target: run.id, details: { tenants: run.total, slotAt } });
    return true;
  });
}
