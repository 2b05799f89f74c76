import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createApiKey } from "@/lib/auth/api-keys";
import { upsertTenant } from "@/lib/db/repositories/tenants";
import { BULK_LEASE_SECONDS } from "@/lib/probes/bulk";
import { createTestDatabase, type TestDatabase } from "../../support/databases";
import { DEMO_APP_ID, defaultScenario, startTestEmulator, type TestEmulator } from "../../support/emulator";
import { configurePortalEnv } from "../../support/portal-env";
import { ensureProductionBuild, startPortalProcess, type PortalProcess } from "../../support/portal-process";

// Two live portal processes (the production build) on one real PostgreSQL share one bulk run
// through their leases; one is killed mid-run and the other finishes its tenants.
const TENANTS = 300;
/** Every sandbox request takes this long, so the run lasts long enough to kill an instance in it. */
const LATENCY_MS = 700;
const tenantId = (i: number) => `d0000000-0000-4000-8000-${String(i).padStart(12, "0")}`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("two portal instances on one PostgreSQL", () => {
  let emu: TestEmulator & { dispose(): Promise<void> };
  let database: TestDatabase;
  const instances: PortalProcess[] = [];
  let apiKey: string;

  beforeAll(async () => {
    ensureProductionBuild();
    emu = await startTestEmulator({
      scenario: defaultScenario((raw) => {
        for (let i = 0; i < TENANTS; i++) {
          raw.tenants.push({
            id: tenantId(i),
            displayName: `Scale tenant ${i}`,
            initialDomain: `scale${i}.onmicrosoft.com`,
            users: [{ id: `e0000000-0000-4000-8000-${String(i).padStart(12, "0")}`, userPrincipalName: `admin@scale${i}.onmicrosoft.com`, displayName: "Admin", directoryRoles: ["Global Administrator"] }],
            consents: [{ clientId: DEMO_APP_ID, directoryRoles: ["Exchange Administrator"] }],
          });
        }
        (raw as Record<string, unknown>).faults = (["token", "graph", "exchange"] as const).map((endpoint) => ({ endpoint, kind: "latency", latencyMs: LATENCY_MS }));
      }),
    });
    configurePortalEnv();
    database = await createTestDatabase("postgres");
    await database.db.transaction().execute(async (trx) => {
      for (let i = 0; i < TENANTS; i++) await upsertTenant(trx, tenantId(i), { status: "consented", initialDomain: `scale${i}.onmicrosoft.com`, testMailbox: `admin@scale${i}.onmicrosoft.com` });
    });
    apiKey = (await createApiKey(database.db, { name: "two instances", role: "operator" }, "test")).key;
    const env = {
      PORTAL_CLOUD: "sandbox",
      SANDBOX_AUTHORITY_HOST: emu.authorityHost,
      SANDBOX_LOGIN_HOST: emu.loginHost,
      AZURE_CLIENT_CERTIFICATE_PATH: emu.certificatePath,
      DATABASE_URL: database.url,
      SESSION_PASSWORD: "two-instances-session-password-0123456789",
      DATA_DIR: process.env.DATA_DIR!,
    };
    instances.push(...(await Promise.all([startPortalProcess(env), startPortalProcess(env)])));
  }, 900_000);

  afterAll(async () => {
    await Promise.all(instances.map((i) => i.kill()));
    await database?.dispose();
    await emu?.dispose();
  });

  /** Bulk items by state and by the instance that finished them (matched by process ID in its lease name). */
  async function snapshot(bulkRunId: string) {
    const items = await database.db.selectFrom("bulk_run_items").selectAll().where("bulk_run_id", "=", bulkRunId).execute();
    const by = (pid: number) => (owner: string | null) => owner?.includes(`:${pid}:`) ?? false;
    return {
      items,
      done: items.filter((i) => i.state === "done" || i.state === "failed").length,
      finishedBy: instances.map((p) => items.filter((i) => by(p.pid)(i.finished_by)).length),
      leasedBy: (p: PortalProcess) => items.filter((i) => i.state === "leased" && by(p.pid)(i.lease_owner)),
    };
  }

  it("share one bulk run, each tenant probed once, and the survivor finishes a killed instance's tenants", async () => {
    const [first, second] = instances as [PortalProcess, PortalProcess];
    const started = await fetch(`${first.url}/api/v1/bulk-runs`, { method: "POST", headers: { authorization: `Bearer ${apiKey}` } });
    expect(started.status, first.output()).toBe(202);
    const { id } = (await started.json()) as { id: string };

    // Both instances work it (the second joins within its watch interval); kill the second a third of the way in.
    const deadline = Date.now() + 60_000;
    let view = await snapshot(id);
    while (!(view.finishedBy.every((n) => n > 0) && view.done >= TENANTS / 3)) {
      expect(Date.now(), `both instances should be probing by now: ${JSON.stringify(view.finishedBy)}`).toBeLessThan(deadline);
      await sleep(200);
      view = await snapshot(id);
    }
    expect(view.done).toBeLessThan(TENANTS); // mid-run
    await second.kill();
    const killedAt = Date.now();
    const orphaned = (await snapshot(id)).leasedBy(second).map((i) => i.tenant_id);
    expect(orphaned.length).toBeGreaterThan(0);

    // The survivor finishes the run, taking the orphans over once their short lease runs out.
    for (;;) {
      const progress = (await (await fetch(`${first.url}/api/v1/bulk-runs/${id}`, { headers: { authorization: `Bearer ${apiKey}` } })).json()) as { status: string; remaining: number };
      if (progress.status === "completed") break;
      expect(Date.now() - killedAt, `the survivor should finish within the lease and the rest of the work: ${JSON.stringify(progress)}\n${first.output()}`).toBeLessThan(75_000);
      await sleep(500);
    }
    const end = await snapshot(id);
    expect(end.items).toHaveLength(TENANTS);
    expect(end.items.every((i) => i.state === "done")).toBe(true);
    expect(end.finishedBy[0]! + end.finishedBy[1]!).toBe(TENANTS);
    expect(end.finishedBy.every((n) => n > 0)).toBe(true);
    for (const tenant of orphaned) {
      const item = end.items.find((i) => i.tenant_id === tenant)!;
      expect(item.finished_by).toContain(`:${first.pid}:`);
      expect(item.attempts).toBeGreaterThanOrEqual(2);
      // Taken over within about one lease of the kill (its last renewal was at most a third of a lease before).
      expect(Date.parse(item.updated_at) - killedAt).toBeLessThan((BULK_LEASE_SECONDS + 15) * 1000);
    }
    // Every tenant's result recorded exactly once.
    const runs = await database.db.selectFrom("probe_runs").select("tenant_id").where("bulk_run_id", "=", id).execute();
    expect(runs).toHaveLength(TENANTS);
    expect(new Set(runs.map((r) => r.tenant_id)).size).toBe(TENANTS);
  }, 150_000);
});
