import { afterEach, describe, expect, it, vi } from "vitest";

import type { Db } from "@/lib/db/database";
import { listAudit } from "@/lib/db/repositories/audit";
import { createBulkRun } from "@/lib/db/repositories/bulk-runs";
import { claimDueSlot, listScheduledRuns, setRetestSchedule } from "@/lib/db/repositories/schedules";
import type { ScheduleRule } from "@/lib/schedules/next-due";
import { RetestScheduler, type SchedulerOptions } from "@/lib/schedules/scheduler";
import { getScheduleView } from "@/lib/schedules/schedule";
import { createTestDatabase, type TestDatabase } from "../../support/databases";

const HOUR = 3_600_000;
const T0 = new Date("2026-03-01T00:00:00.000Z");

let open: TestDatabase[] = [];
afterEach(async () => {
  await Promise.all(open.map((d) => d.dispose()));
  open = [];
});

async function database(engine: "sqlite" | "postgres"): Promise<TestDatabase> {
  const db = await createTestDatabase(engine);
  open.push(db);
  return db;
}

/** A clock the test moves by hand, shared by every instance. */
function fakeClock(start: Date) {
  let now = start.getTime();
  return { now: () => new Date(now), set: (at: Date | number) => (now = typeof at === "number" ? at : at.getTime()) };
}

function scheduler(db: Db, clock: () => Date, owner: string, extra: SchedulerOptions = {}) {
  const started: string[] = [];
  const instance = new RetestScheduler(db, { clock, owner, prepare: async () => {}, startWorker: (_db, id) => void started.push(id), log: () => {}, ...extra });
  return Object.assign(instance, { startedRuns: started });
}

async function setRule(db: Db, rule: ScheduleRule, at: Date) {
  await setRetestSchedule(db, rule, "admin@partner.example", { ip: null, userAgent: null }, at);
}

async function scheduledBulkRuns(db: Db) {
  return db.selectFrom("bulk_runs").select(["id", "requested_by"]).where("requested_by", "=", "schedule").execute();
}

describe("scheduled re-tests on PostgreSQL with two instances", () => {
  it("starts each due slot exactly once across both instances, over several slots", async () => {
    const first = await database("postgres");
    const second = await first.reopen();
    const clock = fakeClock(T0);
    await setRule(first.db, { mode: "interval", everyHours: 2 }, T0);
    const a = scheduler(first.db, clock.now, "instance-a");
    const b = scheduler(second.db, clock.now, "instance-b");

    for (let slot = 1; slot <= 5; slot++) {
      clock.set(T0.getTime() + slot * 2 * HOUR - 60_000); // a minute early: nothing
      expect((await Promise.all([a.tick(), b.tick()])).map((o) => o.started)).toEqual([null, null]);
      clock.set(T0.getTime() + slot * 2 * HOUR + 5_000);
      const outcomes = [];
      for (let round = 0; round < 3; round++) outcomes.push(...(await Promise.all([a.tick(), b.tick()])));
      expect(outcomes.filter((o) => o.started).map((o) => o.started!.slotAt)).toEqual([new Date(T0.getTime() + slot * 2 * HOUR).toISOString()]);
    }

    const runs = await listScheduledRuns(first.db);
    expect(runs.map((r) => r.slotAt)).toEqual([1, 2, 3, 4, 5].map((k) => new Date(T0.getTime() + k * 2 * HOUR).toISOString()));
    expect(runs.every((r) => r.bulkRunId !== null)).toBe(true);
    expect(runs.every((r) => ["instance-a", "instance-b"].includes(r.claimedBy))).toBe(true); // either may win a slot
    const bulk = await scheduledBulkRuns(first.db);
    expect(bulk).toHaveLength(5);
    expect([...a.startedRuns, ...b.startedRuns].sort()).toEqual(bulk.map((r) => r.id).sort());
    const audit = await listAudit(first.db, { action: "probes.bulk_scheduled" });
    expect(audit).toHaveLength(5);
    expect(audit.every((e) => e.actor === "schedule")).toBe(true);
  });

  it("never starts a slot twice when many checks race on both pools at once", async () => {
    const first = await database("postgres");
    const second = await first.reopen();
    const clock = fakeClock(T0);
    await setRule(first.db, { mode: "daily", at: "06:00" }, T0);
    const instances = [0, 1, 2, 3].map((i) => scheduler(i % 2 ? second.db : first.db, clock.now, `instance-${i}`));
    clock.set(new Date("2026-03-01T06:00:01.000Z"));
    const outcomes = await Promise.all(instances.map((s) => s.tick()));
    expect(outcomes.filter((o) => o.started)).toHaveLength(1);
    expect(await scheduledBulkRuns(first.db)).toHaveLength(1);
  });

  it("after a restart past the due time, starts the missed slot once (the latest, not a burst)", async () => {
    const first = await database("postgres");
    const clock = fakeClock(T0);
    await setRule(first.db, { mode: "daily", at: "09:00" }, T0);
    clock.set(new Date("2026-03-01T09:00:10.000Z"));
    expect((await scheduler(first.db, clock.now, "before-restart").tick()).started?.slotAt).toBe("2026-03-01T09:00:00.000Z");

    // Down for three days; two instances come back after the due time.
    clock.set(new Date("2026-03-04T10:30:00.000Z"));
    const second = await first.reopen();
    const restarted = [scheduler(first.db, clock.now, "after-restart-a"), scheduler(second.db, clock.now, "after-restart-b")];
    const outcomes = await Promise.all(restarted.map((s) => s.tick()));
    expect(outcomes.filter((o) => o.started).map((o) => o.started!.slotAt)).toEqual(["2026-03-04T09:00:00.000Z"]);
    expect((await Promise.all(restarted.map((s) => s.tick()))).every((o) => o.started === null)).toBe(true);

    // Another restart the same day starts nothing; the next day's slot is due as usual.
    const again = scheduler(first.db, clock.now, "second-restart");
    expect((await again.tick()).started).toBeNull();
    expect((await getScheduleView(first.db)).nextDueAt).toBe("2026-03-05T09:00:00.000Z");
    clock.set(new Date("2026-03-05T09:00:00.000Z"));
    expect((await again.tick()).started?.slotAt).toBe("2026-03-05T09:00:00.000Z");
    expect((await listScheduledRuns(first.db)).map((r) => r.slotAt)).toEqual(["2026-03-01T09:00:00.000Z", "2026-03-04T09:00:00.000Z", "2026-03-05T09:00:00.000Z"]);
  });

  it("takes over a slot whose claimer died before starting it, once its lease ran out, and adopts a run it had created", async () => {
    const first = await database("postgres");
    const second = await first.reopen();
    const clock = fakeClock(T0);
    await setRule(first.db, { mode: "interval", everyHours: 1 }, T0);
    const due = new Date(T0.getTime() + HOUR + 1_000);
    expect(await claimDueSlot(first.db, "dead-instance", due, 300)).toEqual({ slotAt: new Date(T0.getTime() + HOUR).toISOString(), orphan: null });

    const survivor = scheduler(second.db, clock.now, "survivor");
    clock.set(due.getTime() + 60_000);
    expect((await survivor.tick()).started).toBeNull(); // the lease still holds
    clock.set(due.getTime() + 301_000);
    const taken = await survivor.tick();
    expect(taken.started?.slotAt).toBe(new Date(T0.getTime() + HOUR).toISOString());
    expect(await scheduledBulkRuns(first.db)).toHaveLength(1);

    // The next slot: the claimer dies after creating its bulk run but before recording it.
    const next = new Date(T0.getTime() + 2 * HOUR);
    expect((await claimDueSlot(first.db, "dead-instance", next, 300))?.slotAt).toBe(next.toISOString());
    const orphan = await createBulkRun(first.db, "schedule", [], next);
    clock.set(next.getTime() + 301_000);
    expect((await survivor.tick()).started).toEqual({ slotAt: next.toISOString(), bulkRunId: orphan.id });
    expect(await scheduledBulkRuns(first.db)).toHaveLength(2);
  });
});

describe("scheduled re-tests on SQLite (one process)", () => {
  it("starts each due slot once, counts from the last run across a restart, and stays off when off", async () => {
    const sqlite = await database("sqlite");
    const clock = fakeClock(T0);
    expect((await scheduler(sqlite.db, clock.now, "off").tick()).started).toBeNull();
    await setRule(sqlite.db, { mode: "interval", everyHours: 3 }, T0);
    const one = scheduler(sqlite.db, clock.now, "one");
    clock.set(T0.getTime() + 3 * HOUR);
    expect((await Promise.all([one.tick(), one.tick()])).map((o) => o.started?.slotAt)).toEqual([new Date(T0.getTime() + 3 * HOUR).toISOString(), new Date(T0.getTime() + 3 * HOUR).toISOString()]);
    expect((await one.tick()).started).toBeNull();
    clock.set(T0.getTime() + 7 * HOUR);
    const restarted = scheduler(sqlite.db, clock.now, "restarted");
    expect((await restarted.tick()).started?.slotAt).toBe(new Date(T0.getTime() + 6 * HOUR).toISOString());
    expect((await restarted.tick()).started).toBeNull();
    expect(await scheduledBulkRuns(sqlite.db)).toHaveLength(2);

    const view = await getScheduleView(sqlite.db);
    expect(view).toMatchObject({ schedule: { mode: "interval", everyHours: 3, at: null }, nextDueAt: new Date(T0.getTime() + 9 * HOUR).toISOString(), lastRun: { slotAt: new Date(T0.getTime() + 6 * HOUR).toISOString(), status: "completed" } });

    // A claim left unstarted by a dead instance is not taken over once the schedule is off.
    expect((await claimDueSlot(sqlite.db, "dead-instance", new Date(T0.getTime() + 9 * HOUR), 300))?.slotAt).toBe(new Date(T0.getTime() + 9 * HOUR).toISOString());
    await setRule(sqlite.db, { mode: "off" }, new Date(T0.getTime() + 9 * HOUR + 1));
    clock.set(T0.getTime() + 100 * HOUR);
    expect((await restarted.tick()).started).toBeNull();
    expect((await getScheduleView(sqlite.db)).nextDueAt).toBeNull();
  });

  it("starts the bulk run over every tenant that is not deleted, as 'schedule'", async () => {
    const sqlite = await database("sqlite");
    const now = new Date().toISOString();
    const tenant = (id: string, status: "consented" | "deleted") => ({ id, display_name: id, initial_domain: null, default_domain: null, status, consented_permission_set_version: null, test_mailbox: null, consented_by: null, consented_by_oid: null, consented_by_upn: null, consented_at: null, verified_at: null, last_probe_run_id: null, created_at: now, updated_at: now });
    await sqlite.db.insertInto("tenants").values([tenant("00000000-0000-4000-8000-000000000001", "consented"), tenant("00000000-0000-4000-8000-000000000002", "deleted")]).execute();
    await setRule(sqlite.db, { mode: "interval", everyHours: 1 }, T0);
    const outcome = await scheduler(sqlite.db, () => new Date(T0.getTime() + HOUR), "one").tick();
    const run = await sqlite.db.selectFrom("bulk_runs").selectAll().where("id", "=", outcome.started!.bulkRunId).executeTakeFirstOrThrow();
    expect(run).toMatchObject({ requested_by: "schedule", total: 1 });
    expect(await sqlite.db.selectFrom("bulk_run_items").select("tenant_id").where("bulk_run_id", "=", run.id).execute()).toEqual([{ tenant_id: "00000000-0000-4000-8000-000000000001" }]);
  });
});

describe("the scheduler's loop", () => {
  it("never throws out of a check: a failing database is logged and the next check runs", async () => {
    const sqlite = await database("sqlite");
    // The database answers every transaction with an error, as a lost connection would.
    const broken = new Proxy(sqlite.db, { get: (target, property, receiver) => (property === "transaction" ? () => ({ execute: () => Promise.reject(new Error("connection lost")) }) : Reflect.get(target, property, receiver)) });
    const log = vi.fn();
    await setRule(sqlite.db, { mode: "interval", everyHours: 1 }, T0);
    const failing = new RetestScheduler(broken, { clock: () => new Date(T0.getTime() + HOUR), owner: "x", log });
    await expect(failing.tick()).resolves.toEqual({ started: null });
    expect(log).toHaveBeenCalledWith(expect.stringContaining("connection lost"));
    // The same check on a working connection starts the slot that was due.
    expect((await scheduler(sqlite.db, () => new Date(T0.getTime() + HOUR), "x").tick()).started).not.toBeNull();
  });

  it("checks on an unref'd timer at the configured interval and stops", async () => {
    const sqlite = await database("sqlite");
    await setRule(sqlite.db, { mode: "interval", everyHours: 1 }, T0);
    const clock = fakeClock(T0);
    const looping = scheduler(sqlite.db, clock.now, "looping", { checkEveryMs: 10 });
    const tick = vi.spyOn(looping, "tick");
    looping.start();
    await vi.waitFor(() => expect(tick.mock.calls.length).toBeGreaterThanOrEqual(2), { timeout: 1000, interval: 5 });
    expect(looping.startedRuns).toEqual([]);
    clock.set(T0.getTime() + HOUR);
    await vi.waitFor(() => expect(looping.startedRuns).toHaveLength(1), { timeout: 1000, interval: 5 });
    looping.stop();
    const calls = tick.mock.calls.length;
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(tick.mock.calls.length).toBeLessThanOrEqual(calls + 1);
  });
});
