import { NextRequest } from "next/server";
import { afterAll, describe, expect, it } from "vitest";

import { GET as listTenants } from "@/app/api/v1/tenants/route";
import { GET as getTenant } from "@/app/api/v1/tenants/[id]/route";
import { GET as exportTenants } from "@/app/api/v1/tenants.csv/route";
import { createApiKey, revokeApiKey } from "@/lib/auth/api-keys";
import { importConsentedTenant } from "@/lib/consent/import-tenant";
import type { DatabaseHandle } from "@/lib/db/database";
import { DEFAULT_RETRY_POLICY } from "@/lib/graph/retry";
import { API_KEY_LIMIT } from "@/lib/http/api-rate-limit";
import { probeTenantAndRecord } from "@/lib/probes/run-tenant";
import { liveProbeDeps } from "@/lib/probes/runner";
import { TENANTS } from "../../support/emulator";
import { setUpPortalOnEmulator } from "../../support/portal-on-emulator";

const BASE = "http://127.0.0.1:3000";
const TREY = "9a3c5d8e-1f0b-4acd-8d4e-8b9c0d1e2f08";
const keys = { reader: "", revoked: "" };

const portal = setUpPortalOnEmulator(async ({ database }) => {
  // The route handlers use the process's database: this test's.
  (globalThis as unknown as { consentryDb?: Promise<DatabaseHandle> }).consentryDb = Promise.resolve(database);
  const deps = { ...liveProbeDeps(), policy: { ...DEFAULT_RETRY_POLICY, sleep: async () => {} } };
  for (const id of [TENANTS.northwind, TENANTS.woodgrove, TREY]) await importConsentedTenant(database.db, "test", id);
  await database.db.updateTable("tenants").set({ test_mailbox: "pradeep@northwind.example" }).where("id", "=", TENANTS.northwind).execute();
  await probeTenantAndRecord(database.db, TENANTS.northwind, { trigger: "manual" }, deps);
  await probeTenantAndRecord(database.db, TREY, { trigger: "manual" }, deps);
  keys.reader = (await createApiKey(database.db, { name: "PSA sync", role: "reader" }, "test")).key;
  const revoked = await createApiKey(database.db, { name: "Old script", role: "admin" }, "test");
  await revokeApiKey(database.db, revoked.apiKey.id, "test");
  keys.revoked = revoked.key;
});

afterAll(() => {
  delete (globalThis as unknown as { consentryDb?: unknown }).consentryDb;
});

function call(handler: (r: NextRequest, c: { params: Promise<never> }) => Promise<Response>, path: string, key: string | null = keys.reader, params: unknown = {}) {
  const request = new NextRequest(`${BASE}${path}`, { headers: key === null ? {} : { authorization: `Bearer ${key}` } });
  return handler(request, { params: Promise.resolve(params as never) });
}

describe("GET /api/v1/tenants", () => {
  it("lists tenants for a reader key, with last check, failing probes and findings", async () => {
    const response = await call(listTenants, "/api/v1/tenants");
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body.items.map((t: { id: string }) => t.id).sort()).toEqual([TENANTS.northwind, TENANTS.woodgrove, TREY].sort());
    const northwind = body.items.find((t: { id: string }) => t.id === TENANTS.northwind);
    expect(northwind).toMatchObject({ status: "consented", lastCheck: { status: "failed" }, failingProbes: expect.arrayContaining(["mail"]), findings: expect.arrayContaining(["mailbox_on_premises"]) });
    expect(body.nextCursor).toBeNull();
  });

  it.each([
    ["a name", "?q=northwind", [TENANTS.northwind]],
    ["a domain", "?q=treyresearch.onmicrosoft", [TREY]],
    ["the start of a tenant ID", `?q=${TENANTS.woodgrove.slice(0, 8)}`, [TENANTS.woodgrove]],
    ["a finding", "?finding=access_policy_denies", [TREY]],
    ["a failing probe", "?failingProbe=mail&sort=name", [TENANTS.northwind, TREY]],
    ["a status", "?status=revoked", []],
    ["a LIKE wildcard taken literally", "?q=%25", []],
    // Imported, so no recorded version: its token lacks permissions the app now has.
    ["needing re-consent", "?needsReconsent=true", [TENANTS.woodgrove]],
    ["not needing re-consent", "?needsReconsent=false", [TENANTS.northwind, TREY]],
  ])("filters by %s", async (_name, query, expected) => {
    const body = await (await call(listTenants, `/api/v1/tenants${query}`)).json();
    expect(body.items.map((t: { id: string }) => t.id).sort()).toEqual([...expected].sort());
  });

  it("pages with a cursor: every tenant once, in order", async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const body: { items: { id: string; displayName: string }[]; nextCursor: string | null } = await (await call(listTenants, `/api/v1/tenants?limit=1&sort=-name${cursor ? `&cursor=${cursor}` : ""}`)).json();
      expect(body.items).toHaveLength(1);
      seen.push(body.items[0]!.id);
      cursor = body.nextCursor;
    } while (cursor);
    expect(new Set(seen).size).toBe(3);
    const all = (await (await call(listTenants, "/api/v1/tenants?sort=-name")).json()).items.map((t: { id: string }) => t.id);
    expect(seen).toEqual(all);
  });

  it.each([
    ["no key and no session", null, 401],
    ["a malformed key", "not-a-key", 401],
    ["an unknown key", "csk_AAAAAAAA_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", 401],
    ["a revoked key", "revoked", 401],
  ])("answers %s with 401 problem details", async (_name, key, status) => {
    const response = await call(listTenants, "/api/v1/tenants", key === "revoked" ? keys.revoked : key);
    expect(response.status).toBe(status);
    expect(response.headers.get("content-type")).toBe("application/problem+json");
    expect(await response.json()).toMatchObject({ type: "urn:consentry:problem:unauthenticated", status, code: "unauthenticated", instance: "/api/v1/tenants" });
  });

  it.each([
    ["limit=0", "limit"],
    ["limit=501", "limit"],
    ["sort=bogus", "sort"],
    ["status=happy", "status"],
    ["finding=made_up", "finding"],
    ["cursor=!!", "cursor"],
    ["bogus=1", ""],
    ["q=a&q=b", "q"],
  ])("refuses %s with a 422 naming the parameter", async (query, field) => {
    const response = await call(listTenants, `/api/v1/tenants?${query}`);
    expect(response.status).toBe(422);
    const body = await response.json();
    expect(body).toMatchObject({ code: "invalid_input", status: 422 });
    expect(body.errors[0].path).toBe(field);
  });

  it("refuses a well-formed cursor it did not give with a 422 naming it, rather than silently starting over", async () => {
    for (const forged of [Buffer.from(JSON.stringify({ v: 1, id: {} })).toString("base64url"), "e30", Buffer.from("not json").toString("base64url")]) {
      const response = await call(listTenants, `/api/v1/tenants?cursor=${forged}`);
      expect(response.status).toBe(422);
      expect((await response.json()).errors[0]).toEqual({ path: "cursor", message: "is not a cursor this API gave" });
    }
  });

  it("pages on from a cursor that names a position it never gave (the cursor is a position, not a secret)", async () => {
    const cursor = Buffer.from(JSON.stringify({ v: "m", id: "" })).toString("base64url");
    const response = await call(listTenants, `/api/v1/tenants?cursor=${cursor}`);
    expect(response.status).toBe(200);
    for (const item of (await response.json()).items) expect((item.displayName ?? item.id).toLowerCase() > "m").toBe(true);
  });
});

describe("GET /api/v1/tenants/<id>", () => {
  it("gives one tenant with its truth table and latest findings", async () => {
    const response = await call(getTenant, `/api/v1/tenants/${TENANTS.northwind}`, keys.reader, { id: TENANTS.northwind });
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body).toMatchObject({ id: TENANTS.northwind, testMailbox: "pradeep@northwind.example" });
    expect(body.truthTable.find((r: { permission: string }) => r.permission === "Mail.Read")).toMatchObject({ proven: "fail" });
    expect(body.latestResults.find((r: { probe: string }) => r.probe === "mail").finding.id).toBe("mailbox_on_premises");
  });

  it.each([["an unknown tenant", TENANTS.fabrikam], ["a forged id", "../../etc"], ["an id too long", "a".repeat(5000)]])("answers %s with 404", async (_name, id) => {
    const response = await call(getTenant, `/api/v1/tenants/${encodeURIComponent(id)}`, keys.reader, { id });
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ code: "tenant_not_found" });
  });
});

describe("GET /api/v1/tenants.csv", () => {
  it("exports the filtered tenants as CSV", async () => {
    const response = await call(exportTenants, "/api/v1/tenants.csv?failingProbe=mail");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(response.headers.get("content-disposition")).toMatch(/^attachment; filename="consentry-tenants-\d{4}-\d{2}-\d{2}\.csv"$/);
    const lines = (await response.text()).trimEnd().split("\r\n");
    expect(lines[0]).toBe("customer,tenant_id,initial_domain,status,permission_set_version,needs_reconsent,last_check,last_check_at,failing_probes,finding_ids");
    expect(lines).toHaveLength(3);
    expect(lines.find((l) => l.includes(TENANTS.northwind))).toMatch(/,consented,.*,failed,.*mailbox_on_premises/);
  });

  it("refuses a bad filter before streaming anything", async () => {
    expect((await call(exportTenants, "/api/v1/tenants.csv?status=nope")).status).toBe(422);
  });
});

describe("an API key's rate limit", () => {
  it(`answers 429 with Retry-After past ${API_KEY_LIMIT.points} requests a minute`, async () => {
    const { key } = await createApiKey(portal.database.db, { name: "Busy script", role: "reader" }, "test");
    let last: Response | null = null;
    for (let i = 0; i <= API_KEY_LIMIT.points; i++) {
      last = await call(listTenants, "/api/v1/tenants?limit=1&q=zzz", key);
      if (last.status !== 200) break;
    }
    expect(last!.status).toBe(429);
    expect(Number(last!.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(await last!.json()).toMatchObject({ code: "rate_limited" });
    // Another key is not affected.
    expect((await call(listTenants, "/api/v1/tenants?limit=1", keys.reader)).status).toBe(200);
  });
});

describe("API key limits across instances on PostgreSQL", () => {
  it("two instances sharing one database share each key's count", async () => {
    const { createTestDatabase } = await import("../../support/databases");
    const { createApiKeyLimiter } = await import("@/lib/http/api-rate-limit");
    const database = await createTestDatabase("postgres");
    try {
      const other = await database.reopen();
      const limit = { points: 5, seconds: 60 };
      const [a, b] = await Promise.all([createApiKeyLimiter(database.pgPool, limit), createApiKeyLimiter(other.pgPool, limit)]);
      for (let i = 0; i < 3; i++) await a.consume("key-1");
      for (let i = 0; i < 2; i++) await b.consume("key-1");
      await expect(b.consume("key-1")).rejects.toMatchObject({ remainingPoints: 0 });
      await expect(a.consume("key-1")).rejects.toMatchObject({ remainingPoints: 0 });
      await expect(a.consume("key-2")).resolves.toMatchObject({ remainingPoints: 4 });
    } finally {
      await database.dispose();
    }
  });
});

describe("the dashboard's counts", () => {
  it("add up, and each matches the list filtered the same way", async () => {
    const { countTenants } = await import("@/lib/tenants/tenant-counts");
    const counts = await countTenants(portal.database.db);
    expect(counts).toMatchObject({ consented: 3, failing: 2, notChecked: 1, passing: 0, needsReconsent: 1 });
    expect(counts.passing + counts.failing + counts.notChecked).toBe(counts.consented);
    for (const [check, expected] of [["failing", counts.failing], ["passing", counts.passing], ["none", counts.notChecked]] as const) {
      const body = await (await call(listTenants, `/api/v1/tenants?status=consented&check=${check}`)).json();
      expect(body.items, check).toHaveLength(expected);
    }
  });
});
