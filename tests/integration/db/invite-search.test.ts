import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { INVITE_STATES, inviteState, searchInvites } from "@/lib/db/repositories/invites";
import { savePermissionSet } from "@/lib/db/repositories/permission-sets";
import { upsertTenant } from "@/lib/db/repositories/tenants";
import type { InviteRow } from "@/lib/db/schema";
import { createTestDatabase, ENGINES, type TestDatabase } from "../../support/databases";

const NOW = new Date("2026-11-20T12:00:00.000Z");
const at = (minutes: number) => new Date(NOW.getTime() + minutes * 60_000).toISOString();
const id = (n: number) => `1e000000-0000-4000-8000-${String(n).padStart(12, "0")}`;

/**
 * Every combination of the five facts an invite's state is made of (revoked, consented, expired,
 * failed, opened), each in two invites created at the same minute (ties for the keyset paging).
 */
const ROWS: InviteRow[] = Array.from({ length: 64 }, (_, n) => {
  const facts = n % 32;
  const flag = (bit: number) => (facts & (1 << bit)) !== 0;
  return {
    id: id(n),
    code_hash: `hash-${n}`,
    customer_name: n === 7 ? "100% Widgets_Ltd" : `Customer ${n}`,
    tenant_hint: n === 9 ? "fabrikam.example" : null,
    permission_set_version: 1,
    created_by: "alice@partner.example",
    created_at: at(-1000 + Math.floor(n / 2)),
    expires_at: flag(2) ? at(-1) : at(60),
    revoked_at: flag(0) ? at(-5) : null,
    revoked_by: flag(0) ? "bob@partner.example" : null,
    opened_at: flag(4) ? at(-30) : null,
    consented_at: flag(1) ? at(-20) : null,
    failed_at: flag(3) ? at(-10) : null,
    last_error: flag(3) ? "AADSTS65004" : null,
    tenant_id: flag(1) ? `2e000000-0000-4000-8000-${String(n).padStart(12, "0")}` : null,
    campaign_id: null,
  };
});

describe.each(ENGINES)("the invite search on %s", (engine) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase(engine);
    await savePermissionSet(database.db, { version: 1, label: "v1", permissions: [{ resource: "graph", value: "Organization.Read.All", appRoleId: null, displayName: null, description: null }] });
    for (const row of ROWS) if (row.tenant_id) await upsertTenant(database.db, row.tenant_id, { status: "consented" });
    await database.db.insertInto("invites").values(ROWS).execute();
  });
  afterAll(async () => {
    await database?.dispose();
  });

  it.each(INVITE_STATES)("finds exactly the invites whose state is %s, as the invite itself says", async (state) => {
    const { items, next } = await searchInvites(database.db, { state, limit: 500, now: NOW });
    const expected = ROWS.filter((r) => inviteState(r, NOW) === state).map((r) => r.id);
    expect(expected.length).toBeGreaterThan(0);
    expect(items.map((i) => i.id).sort()).toEqual(expected.sort());
    expect(items.every((i) => i.state === state)).toBe(true);
    expect(next).toBeNull();
  });

  it("pages through every invite once, newest first, across ties in the creation time", async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let pages = 0; pages < 40; pages++) {
      const { items, next } = await searchInvites(database.db, { limit: 3, cursor, now: NOW });
      seen.push(...items.map((i) => i.id));
      if (!next) break;
      cursor = next;
    }
    const expected = [...ROWS].sort((a, b) => (a.created_at === b.created_at ? (a.id < b.id ? 1 : -1) : a.created_at < b.created_at ? 1 : -1)).map((r) => r.id);
    expect(seen).toEqual(expected);
  });

  it("searches the customer's name (wildcards taken literally), the tenant ID and the tenant hint", async () => {
    const search = async (q: string) => (await searchInvites(database.db, { q, limit: 500, now: NOW })).items.map((i) => i.id);
    expect(await search("100% widgets_")).toEqual([id(7)]);
    expect(await search("%")).toEqual([id(7)]);
    expect(await search("_")).toEqual([id(7)]);
    expect(await search("2E000000-0000-4000-8000-000000000003")).toEqual([id(3)]);
    expect(await search("fabrikam")).toEqual([id(9)]);
    expect(await search("customer 6")).toEqual(expect.arrayContaining([id(6), id(60), id(61), id(62), id(63)]));
    expect(await search("nobody")).toEqual([]);
  });

  it("combines the search, the state and the paging", async () => {
    const first = await searchInvites(database.db, { q: "customer", state: "pending", limit: 1, now: NOW });
    expect(first.items).toHaveLength(1);
    const second = await searchInvites(database.db, { q: "customer", state: "pending", limit: 1, cursor: first.next!, now: NOW });
    expect(second.items[0]!.id).not.toBe(first.items[0]!.id);
    expect(second.items[0]!.state).toBe("pending");
  });
});
