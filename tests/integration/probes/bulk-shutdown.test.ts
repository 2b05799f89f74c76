import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createBulkRun, getBulkProgress } from "@/lib/db/repositories/bulk-runs";
import { upsertTenant } from "@/lib/db/repositories/tenants";
import { processShutdown, ShutdownRegistry } from "@/lib/lifecycle/shutdown";
import { ensureBulkWorker } from "@/lib/probes/bulk";
import { startRetestScheduler } from "@/lib/schedules/scheduler";
import { startWebhookWorker } from "@/lib/webhooks/delivery-worker";
import { bulkTenantId as tenantId, passedRun } from "../../support/bulk-runs";
import { createTestDatabase, ENGINES, type TestDatabase } from "../../support/databases";
import { configurePortalEnv } from "../../support/portal-env";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const TENANTS = 40;

describe.each(ENGINES)("graceful shutdown of bulk work on %s", (engine) => {
  let database: TestDatabase;
  beforeAll(async () => {
    configurePortalEnv();
    database = await createTestDatabase(engine);
    for (let i = 0; i < TENANTS; i++) await upsertTenant(database.db, tenantId(i), { status: "consented" });
  });
  afterAll(async () => {
    await database?.dispose();
  });

  it("a shutdown mid-run leaves no item leased by the stopped owner, and a second worker finishes the run at once", async () => {
    const ids = Array.from({ length: TENANTS }, (_, i) => tenantId(i));
    const run = await createBulkRun(database.db, "alice", ids);
    const instance = await database.reopen();
    const lifecycle = new ShutdownRegistry();
    let closed = false;
    lifecycle.register("database", "close", async () => {
      await instance.close();
      closed = true;
    });
    const firstProbed: string[] = [];
    const slow = new Set([tenantId(9), tenantId(10)]);
    const first = ensureBulkWorker(instance.db, run.id, {
      owner: "stopping",
      concurrency: 4,
      idleMs: 10,
      lifecycle,
      probe: async (t, bulk) => {
        firstProbed.push(t.id);
        await sleep(slow.has(t.id) ? 3_000 : 40); // two tenants outlast the shutdown's bound
        return passedRun(t.id, bulk);
      },
    });
    while (firstProbed.length < 12) await sleep(10);
    const report = await lifecycle.shutdown({ timeoutMs: 1_000 });
    await first;
    expect(closed).toBe(true);
    expect(report.steps.map((s) => [s.name, s.ok])).toEqual([
      [`bulk run ${run.id}`, true],
      ["database", true],
    ]);
    const items = await database.db.selectFrom("bulk_run_items").selectAll().where("bulk_run_id", "=", run.id).execute();
    expect(items.filter((i) => i.lease_owner === "stopping")).toEqual([]);
    const doneByFirst = items.filter((i) => i.finished_by === "stopping").map((i) => i.tenant_id);
    expect(doneByFirst.length).toBeGreaterThan(0);
    // The tenants still in flight at the bound were given back, not recorded late.
    for (const id of slow) expect(items.find((i) => i.tenant_id === id)).toMatchObject({ state: "queued", lease_owner: null });
    // Claimed but never started: given back too.
    expect(items.filter((i) => i.state === "queued").length).toBeGreaterThan(slow.size - 1);

    // Stopped means stopped: this lifecycle starts no new worker.
    const late: string[] = [];
    await ensureBulkWorker(database.db, run.id, { owner: "late", lifecycle, probe: async (t, bulk) => (late.push(t.id), passedRun(t.id, bulk)) });
    expect(late).toEqual([]);

    // Another instance takes the rest at once: released, not waiting out a 20 s lease.
    const started = Date.now();
    const secondProbed: string[] = [];
    await ensureBulkWorker(database.db, run.id, { owner: "second", concurrency: 8, idleMs: 10, probe: async (t, bulk) => (secondProbed.push(t.id), passedRun(t.id, bulk)) });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(secondProbed.filter((id) => doneByFirst.includes(id))).toEqual([]);
    const runs = await database.db.selectFrom("probe_runs").select("tenant_id").where("bulk_run_id", "=", run.id).execute();
    expect(runs.map((r) => r.tenant_id).sort()).toEqual([...ids].sort());
    expect(await getBulkProgress(database.db, run.id)).toMatchObject({ done: TENANTS, leased: 0, run: { status: "completed" } });
    await sleep(2_100); // the slow probes end after the shutdown; their results must not appear
    expect(await database.db.selectFrom("probe_runs").select("tenant_id").where("bulk_run_id", "=", run.id).execute()).toHaveLength(TENANTS);
  });
});

describe("the process's shutdown stops the schedule timer and the webhook worker", () => {
  let database: TestDatabase;
  beforeAll(async () => {
    configurePortalEnv();
    database = await createTestDatabase("sqlite");
  });
  afterAll(async () => {
    await database?.dispose();
  });

  it("takes no new work after it", async () => {
    let checks = 0;
    startRetestScheduler(database.db, { checkEveryMs: 50, clock: () => (checks++, new Date()), prepare: async () => undefined, log: () => undefined });
    startWebhookWorker(database.db, { pollMs: 50 });
    await sleep(200);
    expect(checks).toBeGreaterThan(0);
    const report = await processShutdown.shutdown({ timeoutMs: 2_000 });
    expect(report.steps.map((s) => [s.name, s.phase, s.ok])).toEqual(
      expect.arrayContaining([
        ["re-test scheduler", "intake", true],
        ["webhook delivery worker", "intake", true],
      ]),
    );
    expect((globalThis as { consentryWebhookWorker?: unknown }).consentryWebhookWorker).toBeUndefined();
    const after = checks;
    await sleep(200);
    expect(checks).toBe(after);
    // And no bulk worker starts in a process that is shutting down.
    const run = await createBulkRun(database.db, "alice", []);
    await ensureBulkWorker(database.db, run.id, { probe: async () => expect.unreachable() });
  });
});
