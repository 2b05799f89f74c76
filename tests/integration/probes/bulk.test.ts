import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { claimBulkItems, completeBulkItems, createBulkRun, getBulkProgress } from "@/lib/db/repositories/bulk-runs";
import { recordProbeRuns } from "@/lib/db/repositories/probe-runs";
import { getTenant, upsertTenant, type Tenant } from "@/lib/db/repositories/tenants";
import { BULK_CONCURRENCY, bulkProgressView, ensureBulkWorker } from "@/lib/probes/bulk";
import { bulkTenantId as tenantId, passedRun } from "../../support/bulk-runs";
import { createTestDatabase, ENGINES, type TestDatabase } from "../../support/databases";
import { configurePortalEnv } from "../../support/portal-env";


/** A stand-in for probing that notes which tenants it probed. */
function recordingProbe(calls: string[], delayMs = 5) {
  return async (tenant: Tenant, bulkRunId: string) => {
    calls.push(tenant.id);
    await new Promise((r) => setTimeout(r, delayMs));
    return passedRun(tenant.id, bulkRunId);
  };
}

describe.each(ENGINES)("bulk runs on %s", (engine) => {
  let database: TestDatabase;
  beforeAll(async () => {
    configurePortalEnv();
    database = await createTestDatabase(engine);
    for (let i = 0; i < 60; i++) await upsertTenant(database.db, tenantId(i), { status: "consented" });
  });
  afterAll(async () => {
    await database?.dispose();
  });

  it("two instances claiming at once never lease the same tenant", async () => {
    const ids = Array.from({ length: 60 }, (_, i) => tenantId(i));
    const run = await createBulkRun(database.db, "alice", ids);
    const other = await database.reopen();
    const [a, b] = await Promise.all([claimBulkItems(database.db, run.id, "A", 40, 60), claimBulkItems(other.db, run.id, "B", 40, 60)]);
    expect(new Set([...a, ...b]).size).toBe(a.length + b.length);
    expect(a.length + b.length).toBe(60);
    expect(await completeBulkItems(database.db, run.id, "B", [{ tenantId: a[0]!, state: "done", probeRunId: null }])).toEqual([]);
    expect(await completeBulkItems(database.db, run.id, "A", [{ tenantId: a[0]!, state: "done", probeRunId: null }])).toEqual([a[0]]);
  });

  it("finishes a group of items in one call: each with its own state and run, only the holder's", async () => {
    const ids = Array.from({ length: 6 }, (_, i) => tenantId(i));
    const run = await createBulkRun(database.db, "alice", ids);
    const mine = await claimBulkItems(database.db, run.id, "A", 4, 60);
    const theirs = await claimBulkItems(database.db, run.id, "B", 2, 60);
    const [stored] = await recordProbeRuns(database.db, [passedRun(mine[0]!, run.id)]);
    const marked = await completeBulkItems(database.db, run.id, "A", [
      { tenantId: mine[0]!, state: "done", probeRunId: stored!.id },
      { tenantId: mine[1]!, state: "failed", probeRunId: null },
      { tenantId: theirs[0]!, state: "done", probeRunId: null },
      { tenantId: mine[2]!, state: "done", probeRunId: null },
    ]);
    expect([...marked].sort()).toEqual([mine[0], mine[1], mine[2]].sort());
    const items = await database.db.selectFrom("bulk_run_items").selectAll().where("bulk_run_id", "=", run.id).execute();
    const item = (t: string) => items.find((row) => row.tenant_id === t)!;
    expect(item(mine[0]!)).toMatchObject({ state: "done", probe_run_id: stored!.id, lease_owner: null, lease_expires_at: null });
    expect(item(mine[1]!)).toMatchObject({ state: "failed", probe_run_id: null, lease_owner: null });
    expect(item(mine[3]!)).toMatchObject({ state: "leased", lease_owner: "A" });
    expect(item(theirs[0]!)).toMatchObject({ state: "leased", lease_owner: "B" });
  });

  it("resumes after a crash without probing a finished tenant twice", async () => {
    const ids = Array.from({ length: 30 }, (_, i) => tenantId(i));
    const run = await createBulkRun(database.db, "alice", ids);
    // The first instance finishes 10 tenants, leases 5 more and dies.
    const first: string[] = [];
    const done = await claimBulkItems(database.db, run.id, "dead", 10, 60);
    for (const t of done) {
      const record = await recordingProbe(first)((await getTenant(database.db, t))!, run.id);
      await recordProbeRuns(database.db, [record], async (trx, [stored]) => {
        await completeBulkItems(trx, run.id, "dead", [{ tenantId: t, state: "done", probeRunId: stored!.id }]);
      });
    }
    await claimBulkItems(database.db, run.id, "dead", 5, 60, new Date(Date.now() - 120_000)); // its lease has run out
    // A new instance picks the run up.
    const second: string[] = [];
    await ensureBulkWorker(database.db, run.id, { owner: "new", concurrency: 4, probe: recordingProbe(second), idleMs: 10 });
    expect(second.filter((t) => first.includes(t))).toEqual([]);
    expect(new Set([...first, ...second]).size).toBe(30);
    const progress = await getBulkProgress(database.db, run.id);
    expect(progress).toMatchObject({ done: 30, queued: 0, leased: 0, run: { status: "completed" } });
    const finishedRuns = await database.db.selectFrom("probe_runs").select("tenant_id").where("bulk_run_id", "=", run.id).where("status", "=", "passed").execute();
    expect(finishedRuns).toHaveLength(30);
    expect(new Set(finishedRuns.map((r) => r.tenant_id)).size).toBe(30);
  });

  it("after a crash mid-run, probes again only tenants whose results were not yet recorded", async () => {
    const ids = Array.from({ length: 40 }, (_, i) => tenantId(i));
    const run = await createBulkRun(database.db, "alice", ids);
    const first: string[] = [];
    const crash = new AbortController();
    await ensureBulkWorker(database.db, run.id, {
      owner: "crashing",
      concurrency: 6,
      idleMs: 10,
      signal: crash.signal,
      probe: async (t, bulk) => {
        first.push(t.id);
        if (first.length === 25) crash.abort(); // dies with results in memory
        await new Promise((r) => setTimeout(r, 3));
        return passedRun(t.id, bulk);
      },
    });
    const recordedBefore = await database.db.selectFrom("probe_runs").select("tenant_id").where("bulk_run_id", "=", run.id).execute();
    expect(recordedBefore.length).toBeGreaterThan(0);
    expect(recordedBefore.length).toBeLessThan(40);
    // Its leases run out; a new instance takes the run over.
    await database.db.updateTable("bulk_run_items").set({ lease_expires_at: "2000-01-01T00:00:00.000Z" }).where("bulk_run_id", "=", run.id).where("state", "=", "leased").execute();
    const second: string[] = [];
    await ensureBulkWorker(database.db, run.id, { owner: "successor", concurrency: 6, idleMs: 10, probe: recordingProbe(second, 1) });
    const recorded = new Set(recordedBefore.map((r) => r.tenant_id));
    expect(second.filter((t) => recorded.has(t))).toEqual([]);
    const runs = await database.db.selectFrom("probe_runs").select("tenant_id").where("bulk_run_id", "=", run.id).execute();
    expect(runs).toHaveLength(40);
    expect(new Set(runs.map((r) => r.tenant_id)).size).toBe(40);
    const items = await database.db
      .selectFrom("bulk_run_items")
      .innerJoin("probe_runs", "probe_runs.id", "bulk_run_items.probe_run_id")
      .select(["bulk_run_items.tenant_id as item", "probe_runs.tenant_id as probed"])
      .where("bulk_run_items.bulk_run_id", "=", run.id)
      .execute();
    expect(items).toHaveLength(40);
    for (const i of items) expect(i.probed).toBe(i.item);
  });

  it("drops a tenant deleted since the run began, without probing it, and finishes", async () => {
    const gone = "00000000-0000-4000-8000-0000000009ff";
    await upsertTenant(database.db, gone, { status: "consented" });
    const run = await createBulkRun(database.db, "alice", [tenantId(1), gone]);
    await database.db.deleteFrom("tenants").where("id", "=", gone).execute();
    const probed: string[] = [];
    await ensureBulkWorker(database.db, run.id, { owner: "y", idleMs: 10, probe: recordingProbe(probed, 1) });
    expect(probed).toEqual([tenantId(1)]);
    expect(await getBulkProgress(database.db, run.id)).toMatchObject({ done: 1, failed: 0, queued: 0, leased: 0, run: { status: "completed" } });
  });

  it("finishes a group with no run to store (its only tenant's probing threw)", async () => {
    const run = await createBulkRun(database.db, "alice", [tenantId(3)]);
    await ensureBulkWorker(database.db, run.id, {
      owner: "z",
      idleMs: 10,
      signal: AbortSignal.timeout(5_000),
      probe: async () => {
        throw new Error("boom");
      },
    });
    expect(await getBulkProgress(database.db, run.id)).toMatchObject({ done: 0, failed: 1, queued: 0, leased: 0, run: { status: "completed" } });
  });

  it("keeps within the concurrency limit and reports progress", async () => {
    const ids = Array.from({ length: 20 }, (_, i) => tenantId(i));
    const run = await createBulkRun(database.db, "alice", ids);
    let running = 0;
    let peak = 0;
    await ensureBulkWorker(database.db, run.id, {
      owner: "limit",
      concurrency: 3,
      idleMs: 10,
      probe: async (t, bulk) => {
        running++;
        peak = Math.max(peak, running);
        await new Promise((r) => setTimeout(r, 10));
        running--;
        return passedRun(t.id, bulk);
      },
    });
    expect(peak).toBe(3);
    const view = await bulkProgressView(database.db, run.id);
    expect(view).toMatchObject({ status: "completed", total: 20, done: 20, remaining: 0, etaSeconds: 0 });
  });

  it("reading a running run's progress starts no work (a GET never writes)", async () => {
    const run = await createBulkRun(database.db, "alice", [tenantId(1), tenantId(2)]);
    expect(await bulkProgressView(database.db, run.id)).toMatchObject({ status: "running", done: 0, remaining: 2, inProgress: 0 });
    await new Promise((r) => setTimeout(r, 50));
    expect(await getBulkProgress(database.db, run.id)).toMatchObject({ queued: 2, leased: 0, done: 0 });
  });

  it("records the rest of a group when one tenant's run cannot be stored", async () => {
    const doomed = "00000000-0000-4000-8000-0000000008ff";
    await upsertTenant(database.db, doomed, { status: "consented" });
    const ids = [...Array.from({ length: 9 }, (_, i) => tenantId(20 + i)), doomed];
    const run = await createBulkRun(database.db, "alice", ids);
    await ensureBulkWorker(database.db, run.id, {
      owner: "group",
      concurrency: 10,
      idleMs: 10,
      probe: async (t, bulk) => {
        // Removed from the database while being probed: its run has no tenant to belong to.
        if (t.id === doomed) await database.db.deleteFrom("tenants").where("id", "=", doomed).execute();
        await new Promise((r) => setTimeout(r, 5));
        return passedRun(t.id, bulk);
      },
    });
    const runs = await database.db.selectFrom("probe_runs").select("tenant_id").where("bulk_run_id", "=", run.id).execute();
    expect(runs.map((r) => r.tenant_id).sort()).toEqual(ids.slice(0, 9).sort());
    expect(await getBulkProgress(database.db, run.id)).toMatchObject({ done: 9, queued: 0, leased: 0, run: { status: "completed" } });
  });

  it("two bulk runs at once share the process's concurrency limit", async () => {
    for (let i = 100; i < 180; i++) await upsertTenant(database.db, tenantId(i), { status: "consented" });
    const a = await createBulkRun(database.db, "alice", Array.from({ length: 40 }, (_, i) => tenantId(100 + i)));
    const b = await createBulkRun(database.db, "bob", Array.from({ length: 40 }, (_, i) => tenantId(140 + i)));
    let active = 0;
    let peak = 0;
    const probe = async (t: Tenant, bulk: string) => {
      active++;
      peak = Math.max(peak, active);
      await new Promise((r) => setTimeout(r, 20));
      active--;
      return passedRun(t.id, bulk);
    };
    await Promise.all([ensureBulkWorker(database.db, a.id, { owner: "a", idleMs: 10, probe }), ensureBulkWorker(database.db, b.id, { owner: "b", idleMs: 10, probe })]);
    expect(peak).toBe(BULK_CONCURRENCY);
    expect(await getBulkProgress(database.db, a.id)).toMatchObject({ done: 40, run: { status: "completed" } });
    expect(await getBulkProgress(database.db, b.id)).toMatchObject({ done: 40, run: { status: "completed" } });
  });

  it("lets other tenants use a slot while a throttled tenant waits out its Retry-After", async () => {
    const ids = Array.from({ length: 12 }, (_, i) => tenantId(i));
    const run = await createBulkRun(database.db, "alice", ids);
    let active = 0;
    let peakActive = 0;
    let inFlight = 0;
    let peakInFlight = 0;
    const order: string[] = [];
    await ensureBulkWorker(database.db, run.id, {
      owner: "pacing",
      concurrency: 2,
      idleMs: 10,
      probe: async (t, bulk, pacing) => {
        inFlight++;
        peakInFlight = Math.max(peakInFlight, inFlight);
        const work = async (ms: number) => {
          active++;
          peakActive = Math.max(peakActive, active);
          await new Promise((r) => setTimeout(r, ms));
          active--;
        };
        await work(2);
        if (t.id === tenantId(0) || t.id === tenantId(1)) {
          // Throttled: waits without a slot, then finishes its requests with one.
          await pacing.sleep(150);
          await work(2);
        }
        order.push(t.id);
        inFlight--;
        return passedRun(t.id, bulk);
      },
    });
    expect(peakActive).toBe(2);
    expect(peakInFlight).toBeGreaterThan(2);
    // The two throttled tenants finished after tenants that started later.
    expect(order.slice(0, 2)).not.toContain(tenantId(0));
    expect(order).toHaveLength(12);
    expect(await getBulkProgress(database.db, run.id)).toMatchObject({ done: 12, run: { status: "completed" } });
  });

  it("counts a tenant whose probing threw as failed, and finishes", async () => {
    const run = await createBulkRun(database.db, "alice", [tenantId(1), tenantId(2)]);
    await ensureBulkWorker(database.db, run.id, {
      owner: "x",
      idleMs: 10,
      probe: async (t, bulk) => {
        if (t.id === tenantId(1)) throw new Error("boom");
        return passedRun(t.id, bulk);
      },
    });
    expect(await getBulkProgress(database.db, run.id)).toMatchObject({ done: 1, failed: 1, run: { status: "completed" } });
  });
});
