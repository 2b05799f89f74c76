import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { savePermissionSet } from "@/lib/db/repositories/permission-sets";
import { recordProbeRuns, type NewProbeRun } from "@/lib/db/repositories/probe-runs";
import { upsertTenant } from "@/lib/db/repositories/tenants";
import type { TenantStatus } from "@/lib/db/schema";
import { countTenants } from "@/lib/tenants/tenant-counts";
import { createTestDatabase, ENGINES, type TestDatabase } from "../../support/databases";

const id = (n: number) => `7e000000-0000-4000-8000-${String(n).padStart(12, "0")}`;
const graph = (value: string) => ({ resource: "graph" as const, value, appRoleId: null, displayName: null, description: null });

describe.each(ENGINES)("the dashboard's counts on %s", (engine) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase(engine);
    await savePermissionSet(database.db, { version: 1, label: "v1", permissions: [graph("Organization.Read.All")] });
    await savePermissionSet(database.db, { version: 2, label: "v2", permissions: [graph("Organization.Read.All"), graph("User.Read.All")] });
    // [status, last check, consented version, roles]
    const tenants: [TenantStatus, NewProbeRun["status"] | null, number | null, string[]][] = [
      ["consented", "passed", 2, []],
      ["consented", "passed", 1, []], // on an older set: needs re-consent
      ["consented", "failed", 2, []],
      ["consented", "error", null, ["Organization.Read.All"]], // imported, its token lacks User.Read.All
      ["consented", null, null, ["Organization.Read.All", "User.Read.All"]],
      ["consented", null, 2, []],
      ["failed", null, 2, []],
      ["verifying", null, 2, []],
      ["revoked", "passed", 1, []], // needs nothing: not consented
      ["deleted", "failed", 2, []],
    ];
    for (const [n, [status, check, version, roles]] of tenants.entries()) {
      await upsertTenant(database.db, id(n), { status, consentedPermissionSetVersion: version, roles });
      if (check) {
        const at = new Date(Date.UTC(2026, 10, 1, 0, n));
        await recordProbeRuns(database.db, [{ tenantId: id(n), trigger: "manual", iterations: 1, bulkRunId: null, status: check === "passed" ? "failed" : "passed", startedAt: at, finishedAt: at, summary: {}, results: [] }]);
        // The last run is the one that counts.
        const later = new Date(at.getTime() + 1000);
        await recordProbeRuns(database.db, [{ tenantId: id(n), trigger: "manual", iterations: 1, bulkRunId: null, status: check, startedAt: later, finishedAt: later, summary: {}, results: [] }]);
      }
    }
  });
  afterAll(async () => {
    await database?.dispose();
  });

  it("counts each status, the last checks of consented tenants and those needing re-consent, and they add up", async () => {
    const counts = await countTenants(database.db);
    expect(counts).toEqual({
      total: 9,
      consented: 6,
      passing: 2,
      failing: 2,
      notChecked: 2,
      needsReconsent: 2,
      failed: 1,
      verifying: 1,
      revoked: 1,
      deleted: 1,
      permissionSetVersion: 2,
    });
    expect(counts.passing + counts.failing + counts.notChecked).toBe(counts.consented);
  });
});
