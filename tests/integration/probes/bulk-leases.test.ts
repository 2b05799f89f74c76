import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { claimBulkItems, createBulkRun, createBulkRunForAllTenants, getBulkProgress, releaseBulkItems, renewBulkLeases } from "@/lib/db/repositories/bulk-runs";
import { upsertTenant, type Tenant } from "@/lib/db/repositories/tenants";
import { BULK_LEASE_SECONDS, bulkProgressView, ensureBulkWorker, STALE_LEASE_SECONDS } from "@/lib/probes/bulk";
import { bulkTenantId as tenantId, passedRun, takeLeaseOver } from "../../support/bulk-runs";
import { createTestDatabase, ENGINES, type TestDatabase } from "../../support/databases";
import { configurePortalEnv } from "../../support/portal-env";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.each(ENGINES)("bulk leases on %s", (engine) => {
  let database: TestDatabase;
  beforeAll(async () => {
    configurePortalEnv();
    database = await createTestDatabase(engine);
    for (let i = 0; i < 20; i++) await upsertTenant(database.db, tenantId(i), { status: "consented" });
  });
  afterAll(async () => {
    await database?.dispose();
  });

  const items = (bulkRunId: string) => database.db.selectFrom("bulk_run_items").selectAll().where("bulk_run_id", "=", bulkRunId).orderBy("tenant_id").execute();
  const probeRuns = (bulkRunId: string) => database.db.selectFrom("probe_runs").select("tenant_id").where("bulk_run_id", "=", bulkRunId).execute();

  it("a lease is short: a minute-long lease would leave a dead instance's tenants waiting", () => {
    expect(BULK_LEASE_SECONDS).toBeLessThanOrEqual(20);
    expect(STALE_LEASE_SECONDS).toBeLessThan(BULK_LEASE_SECONDS);
  });

  it("renews and releases only the leases the owner still holds", async () => {
    const run = await createBulkRun(database.db, "alice", [tenantId(0), tenantId(1), tenantId(2)]);
    const t0 = new Date("2030-01-01T00:00:00.000Z");
    const mine = await claimBulkItems(database.db, run.id, "A", 2, 20, t0);
    const theirs = await claimBulkItems(database.db, run.id, "B", 1, 20, t0);
    const later = new Date(t0.getTime() + 5_000);
    expect((await renewBulkLeases(database.db, run.id, "A", [...mine, ...theirs], 20, later)).sort()).toEqual([...mine].sort());
    const rows = await items(run.id);
    for (const row of rows.filter((r) => mine.includes(r.tenant_id))) expect(row).toMatchObject({ lease_owner: "A", lease_expires_at: "2030-01-01T00:00:25.000Z", heartbeat_at: later.toISOString() });
    expect(rows.find((r) => r.tenant_id === theirs[0])).toMatchObject({ lease_owner: "B", lease_expires_at: "2030-01-01T00:00:20.000Z" });

    expect(await releaseBulkItems(database.db, run.id, "A", [mine[0]!, theirs[0]!])).toEqual([mine[0]]);
    expect((await items(run.id)).find((r) => r.tenant_id === mine[0])).toMatchObject({ state: "queued", lease_owner: null, lease_expires_at: null, heartbeat_at: null });
    // A released tenant is the next claim's at once, not after the lease.
    expect(await claimBulkItems(database.db, run.id, "C", 5, 20, later)).toEqual([mine[0]]);
  });

  it("creates a run over every tenant not deleted without listing them in the portal", async () => {
    await upsertTenant(database.db, tenantId(19), { status: "deleted" });
    const run = await createBulkRunForAllTenants(database.db, "alice");
    const count = await database.db.selectFrom("tenants").select((eb) => eb.fn.countAll<number>().as("n")).where("status", "!=", "deleted").executeTakeFirstOrThrow();
    expect(run).toMatchObject({ status: "running", total: Number(count.n), finished_at: null });
    const rows = await items(run.id);
    expect(rows).toHaveLength(Number(count.n));
    expect(rows.map((r) => r.tenant_id)).not.toContain(tenantId(19));
    expect(new Set(rows.map((r) => r.state))).toEqual(new Set(["queued"]));
    expect((await database.db.selectFrom("bulk_runs").select("total").where("id", "=", run.id).executeTakeFirstOrThrow()).total).toBe(Number(count.n));
    await upsertTenant(database.db, tenantId(19), { status: "consented" });
  });

  it("a heartbeat keeps a slow tenant's lease while its owner lives: nobody else takes it", async () => {
    const run = await createBulkRun(database.db, "alice", [tenantId(3)]);
    const probed: string[] = [];
    // A 0.6 s lease renewed every 0.2 s; the tenant takes 1.5 s, two and a half leases.
    const owner = ensureBulkWorker(database.db, run.id, {
      owner: "slow",
      leaseSeconds: 0.6,
      idleMs: 10,
      probe: async (t: Tenant, bulk: string) => {
        probed.push(`slow:${t.id}`);
        await sleep(1500);
        return passedRun(t.id, bulk);
      },
    });
    await sleep(50);
    const rival = await database.reopen();
    const deadline = Date.now() + 1400;
    while (Date.now() < deadline) {
      expect(await claimBulkItems(rival.db, run.id, "rival", 5, 0.6)).toEqual([]);
      await sleep(100);
    }
    await owner;
    expect(probed).toEqual([`slow:${tenantId(3)}`]);
    expect(await items(run.id)).toMatchObject([{ state: "done", finished_by: "slow", lease_owner: null }]);
  });

  it("a killed owner's tenants are taken over once its lease runs out, never before", async () => {
    const ids = Array.from({ length: 8 }, (_, i) => tenantId(4 + i));
    const run = await createBulkRun(database.db, "alice", ids);
    const crash = new AbortController();
    const firstProbed: string[] = [];
    const dead = ensureBulkWorker(database.db, run.id, {
      owner: "dead",
      concurrency: 4,
      leaseSeconds: 1,
      idleMs: 10,
      signal: crash.signal,
      probe: async (t, bulk) => {
        firstProbed.push(t.id);
        if (firstProbed.length === 4) crash.abort(); // dies with four tenants in flight
        await sleep(20);
        return passedRun(t.id, bulk);
      },
    });
    await dead;
    const lastBeat = Math.max(...(await items(run.id)).filter((r) => r.lease_owner === "dead").map((r) => Date.parse(r.heartbeat_at!)));
    const heldByDead = (await items(run.id)).filter((r) => r.lease_owner === "dead").map((r) => r.tenant_id);
    expect(heldByDead.length).toBeGreaterThan(0);
    const takenAt = new Map<string, number>();
    const other = await database.reopen();
    await ensureBulkWorker(other.db, run.id, {
      owner: "heir",
      concurrency: 4,
      leaseSeconds: 1,
      idleMs: 20,
      probe: async (t, bulk) => {
        takenAt.set(t.id, Date.now());
        return passedRun(t.id, bulk);
      },
    });
    for (const id of heldByDead) {
      expect(takenAt.get(id)! - lastBeat).toBeGreaterThanOrEqual(1000 - 5); // not before the lease ran out...
      expect(takenAt.get(id)! - lastBeat).toBeLessThan(3000); // ...and soon after
    }
    const runs = await probeRuns(run.id);
    expect(runs.map((r) => r.tenant_id).sort()).toEqual([...ids].sort());
    expect(await getBulkProgress(database.db, run.id)).toMatchObject({ done: 8, leased: 0, run: { status: "completed" } });
  });

  it("a renewal that finds its lease taken drops the tenant: the new owner's result stands alone", async () => {
    const run = await createBulkRun(database.db, "alice", [tenantId(12), tenantId(13)]);
    const probed: string[] = [];
    await ensureBulkWorker(database.db, run.id, {
      owner: "paused",
      concurrency: 2,
      leaseSeconds: 0.3,
      idleMs: 10,
      probe: async (t, bulk) => {
        probed.push(t.id);
        if (t.id === tenantId(12)) {
          // Meanwhile its lease ran out and another instance claimed the tenant.
          await takeLeaseOver(database.db, bulk, t.id);
          await sleep(400); // long enough for a heartbeat to notice
        }
        return passedRun(t.id, bulk);
      },
      // The worker would wait for the usurper's lease forever; stop once the other tenant is recorded.
      signal: AbortSignal.timeout(1500),
    });
    expect(probed.sort()).toEqual([tenantId(12), tenantId(13)]);
    expect((await probeRuns(run.id)).map((r) => r.tenant_id)).toEqual([tenantId(13)]);
    expect((await items(run.id)).map((r) => [r.tenant_id, r.state, r.lease_owner])).toEqual([
      [tenantId(12), "leased", "usurper"],
      [tenantId(13), "done", null],
    ]);
  });

  it("a lease lost just before recording rolls its group back and records the rest without it", async () => {
    const run = await createBulkRun(database.db, "alice", [tenantId(14), tenantId(15), tenantId(16)]);
    await ensureBulkWorker(database.db, run.id, {
      owner: "unaware",
      concurrency: 3,
      idleMs: 10,
      probe: async (t, bulk) => {
        // Taken over between the last heartbeat and the group's commit (the default heartbeat is seconds away).
        if (t.id === tenantId(15)) await takeLeaseOver(database.db, bulk, t.id);
        return passedRun(t.id, bulk);
      },
      signal: AbortSignal.timeout(1000),
    });
    expect((await probeRuns(run.id)).map((r) => r.tenant_id).sort()).toEqual([tenantId(14), tenantId(16)]);
    expect((await items(run.id)).map((r) => [r.state, r.lease_owner, r.finished_by])).toEqual([
      ["done", null, "unaware"],
      ["leased", "usurper", null],
      ["done", null, "unaware"],
    ]);
  });

  it("progress counts expired leases as queued and waits out a dead instance's lease in the ETA", async () => {
    const ids = Array.from({ length: 10 }, (_, i) => tenantId(i));
    const created = new Date("2030-01-01T00:00:00.000Z");
    const run = await createBulkRun(database.db, "alice", ids, created);
    const now = new Date(created.getTime() + 100_000);
    const set = (tenants: string[], values: Record<string, string | null>) =>
      database.db.updateTable("bulk_run_items").set(values).where("bulk_run_id", "=", run.id).where("tenant_id", "in", tenants).execute();
    // 5 done in 100 s: 0.05 tenants/s.
    await set(ids.slice(0, 5), { state: "done" });
    // A live instance: renewed 2 s ago.
    await set([ids[5]!], { state: "leased", lease_owner: "live", heartbeat_at: new Date(now.getTime() - 2_000).toISOString(), lease_expires_at: new Date(now.getTime() + 18_000).toISOString() });
    // A dead one: silent for 15 s, its lease runs 5 s more.
    await set([ids[6]!, ids[7]!], { state: "leased", lease_owner: "dead", heartbeat_at: new Date(now.getTime() - 15_000).toISOString(), lease_expires_at: new Date(now.getTime() + 5_000).toISOString() });
    // Another dead one whose lease has run out: as good as queued.
    await set([ids[8]!], { state: "leased", lease_owner: "older", heartbeat_at: new Date(now.getTime() - 40_000).toISOString(), lease_expires_at: new Date(now.getTime() - 20_000).toISOString() });
    const view = await bulkProgressView(database.db, run.id, now.getTime());
    expect(view).toMatchObject({ done: 5, remaining: 5, inProgress: 1, awaitingTakeover: 2, perMinute: 3 });
    // 5 remaining at 0.05/s is 100 s; the dead instance's 2 tenants start in 5 s and take 40 s: 100 s still bounds it.
    expect(view!.etaSeconds).toBe(100);
    // With the rest nearly done, the lease wait shows: only the 2 stale ones left.
    await set([ids[5]!, ids[8]!, ids[9]!], { state: "done", lease_owner: null, lease_expires_at: null, heartbeat_at: null });
    const later = await bulkProgressView(database.db, run.id, now.getTime());
    // 8 done in 100 s = 0.08/s; 2 stale: 5 s wait + 25 s = 30 s, beyond the 25 s the rate alone says.
    expect(later).toMatchObject({ done: 8, remaining: 2, inProgress: 0, awaitingTakeover: 2, etaSeconds: 30 });
  });
});
