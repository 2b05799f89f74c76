import { CompiledQuery } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { recordProbeRuns } from "@/lib/db/repositories/probe-runs";
import { searchTenants, TENANT_SORTS, tenantSearchQuery, type TenantSort } from "@/lib/db/repositories/tenant-search";
import { upsertTenant } from "@/lib/db/repositories/tenants";
import { createTestDatabase, ENGINES, type TestDatabase } from "../../support/databases";

const id = (n: number) => `5e000000-0000-4000-8000-${String(n).padStart(12, "0")}`;
const minute = (m: number) => new Date(Date.UTC(2026, 10, 1, 0, m));

// [display name, added at minute, last check at minute (null: never checked)]; ties in every column.
const TENANTS: [string | null, number, number | null][] = [
  ["Contoso", 5, 30],
  ["contoso", 5, 30], // the same name in another case, added and checked at the same time
  ["Adatum", 1, 31],
  ["Woodgrove", 2, null],
  [null, 3, null], // no name: sorted by its ID
  ["Fabrikam", 9, 29],
  ["Northwind", 9, 32],
  ["Trey", 4, 30],
  ["Litware", 7, null],
];

/** The order each sort promises: its value, then the ID, both in the sort's direction. */
function expectedOrder(sort: TenantSort): string[] {
  const descending = sort.startsWith("-");
  const value = (n: number): string => {
    const [name, added, checked] = TENANTS[n]!;
    if (sort.endsWith("name")) return (name ?? id(n)).toLowerCase();
    if (sort.endsWith("createdAt")) return minute(added).toISOString();
    return checked === null ? "" : minute(checked).toISOString();
  };
  const compare = (a: number, b: number) => (value(a) < value(b) ? -1 : value(a) > value(b) ? 1 : id(a) < id(b) ? -1 : 1);
  return TENANTS.map((_, n) => n)
    .sort((a, b) => (descending ? -compare(a, b) : compare(a, b)))
    .map(id);
}

describe.each(ENGINES)("the tenant search's sorts and keyset pages on %s", (engine) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase(engine);
    for (const [n, [name, added, checked]] of TENANTS.entries()) {
      await upsertTenant(database.db, id(n), { status: "consented", displayName: name }, minute(added));
      if (checked !== null) {
        const at = minute(checked);
        await recordProbeRuns(database.db, [{ tenantId: id(n), trigger: "manual", iterations: 1, bulkRunId: null, status: "passed", startedAt: at, finishedAt: at, summary: {}, results: [] }]);
      }
    }
  });
  afterAll(async () => {
    await database?.dispose();
  });

  it.each(TENANT_SORTS)("pages through every tenant once, in order, sorted by %s", async (sort) => {
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let pages = 0; pages < 10; pages++) {
      const { rows, next } = await searchTenants(database.db, { sort, limit: 2, cursor });
      seen.push(...rows.map((r) => r.tenant.id));
      if (!next) break;
      cursor = next;
    }
    expect(seen).toEqual(expectedOrder(sort));
  });

  it("reads each tenant's last check from its row", async () => {
    const { rows } = await searchTenants(database.db, { sort: "-lastCheck", limit: 3 });
    expect(rows[0]).toMatchObject({ tenant: { id: id(6) }, lastCheck: { status: "passed", startedAt: minute(32).toISOString(), runId: expect.any(String) } });
    const never = await searchTenants(database.db, { sort: "lastCheck", limit: 1 });
    expect(never.rows[0]!.lastCheck).toBeNull();
  });

  // SQLite's plan names its steps; PostgreSQL's planner picks a sort for a table this small.
  if (engine === "sqlite")
    it.each(TENANT_SORTS)("walks an index for the %s sort instead of sorting the table", async (sort) => {
    const plan = async (cursor?: string) => {
      const { sql: text, parameters } = tenantSearchQuery(database.db, { sort, limit: 50, cursor }).compile();
      const details = (await database.db.executeQuery<{ detail: string }>(CompiledQuery.raw(`explain query plan ${text}`, [...parameters]))).rows;
      return details.map((r) => r.detail).join(" | ");
    };
    const first = await plan();
    expect(first).toMatch(/USING INDEX tenants_(name|created|last_check)_order_idx/);
    expect(first).not.toMatch(/TEMP B-TREE/);
    // A later page starts inside the index (a range search), not at its first entry.
    const { next } = await searchTenants(database.db, { sort, limit: 2 });
    const later = await plan(next!);
    expect(later).toMatch(/SEARCH t USING INDEX tenants_(name|created|last_check)_order_idx \((<expr>|created_at)[<>]=?\?\)/);
    expect(later).not.toMatch(/TEMP B-TREE/);
  });
});
