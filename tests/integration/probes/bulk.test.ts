import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { claimBulkItems, completeBulkItem, createBulkRun, getBulkProgress } from "@/lib/db/repositories/bulk-runs";
import { startProbeRun, finishProbeRun } from "@/lib/db/repositories/probe-runs";
import { upsertTenant } from "@/lib/db/repositories/tenants";
import type { Db } from "@/lib/db/database";
import { bulkProgressView, ensureBulkWorker } from "@/lib/probes/bulk";
import { createTestDatabase, ENGINES, type TestDatabase } from "../../support/databases";
import { configurePortalEnv } from "../../support/portal-env";

const tenantId = (i: number) => `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`;

/** A stand-in for probing: records a finished probe run for the bulk, as the real runner does. */
function recordingProbe(calls: string[], delayMs = 5) {
  return async (db: Db, tenant: string, bulkRunId: string) => {
    calls.push(tenant);
    await new Promise((r) => setTimeout(r, delayMs));
    const run = await startProbeRun(db, { tenantId: tenant, trigger: "bulk", bulkRunId });
    await finishProbeRun(db, run.id, { status: "passed", results: [] });
    return run.id;
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
    expect(await completeBulkItem(database.db, run.id, a[0]!, "B", { state: "done", probeRunId: null })).toBe(false);
  });

  it("resumes after a crash without probing a finished tenant twice", async () => {
    const ids = Array.from({ length: 30 }, (_, i) => tenantId(i));
    const run = await createBulkRun(database.db, "alice", ids);
    // The first instance finishes 10 tenants, leases 5 more and dies.
    const first: string[] = [];
    const done = await claimBulkItems(database.db, run.id, "dead", 10, 60);
    for (const t of done) {
      const probeRunId = await recordingProbe(first)(database.db, t, run.id);
      await completeBulkItem(database.db, run.id, t, "dead", { state: "done", probeRunId });
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

  it("keeps within the concurrency limit and reports progress", async () => {
    const ids = Array.from({ length: 20 }, (_, i) => tenantId(i));
    const run = await createBulkRun(database.db, "alice", ids);
    let running = 0;
    let peak = 0;
    await ensureBulkWorker(database.db, run.id, {
      owner: "limit",
      concurrency: 3,
      idleMs: 10,
      probe: async (db, t, bulk) => {
        running++;
        peak = Math.max(peak, running);
        await new Promise((r) => setTimeout(r, 10));
        running--;
        const r = await startProbeRun(db, { tenantId: t, trigger: "bulk", bulkRunId: bulk });
        return r.id;
      },
    });
    expect(peak).toBe(3);
    const view = await bulkProgressView(database.db, run.id);
    expect(view).toMatchObject({ status: "completed", total: 20, done: 20, remaining: 0, etaSeconds: 0 });
  });

  it("counts a tenant whose probing threw as failed, and finishes", async () => {
    const run = await createBulkRun(database.db, "alice", [tenantId(1), tenantId(2)]);
    await ensureBulkWorker(database.db, run.id, {
      owner: "x",
      idleMs: 10,
      probe: async (db, t, bulk) => {
        if (t === tenantId(1)) throw new Error("boom");
        return (await startProbeRun(db, { tenantId: t, trigger: "bulk", bulkRunId: bulk })).id;
      },
    });
    expect(await getBulkProgress(database.db, run.id)).toMatchObject({ done: 1, failed: 1, run: { status: "completed" } });
  });
});
