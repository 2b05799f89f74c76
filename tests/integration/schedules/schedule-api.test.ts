import { NextRequest } from "next/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { GET, PUT } from "@/app/api/v1/schedule/route";
import { createApiKey } from "@/lib/auth/api-keys";
import { PARTNER_ROLES, type PartnerRole } from "@/lib/auth/roles";
import type { DatabaseHandle } from "@/lib/db/database";
import { listAudit } from "@/lib/db/repositories/audit";
import { createTestDatabase, type TestDatabase } from "../../support/databases";
import { configurePortalEnv } from "../../support/portal-env";

const keys = {} as Record<PartnerRole, string>;
let database: TestDatabase;
const globalForDb = globalThis as unknown as { consentryDb?: Promise<DatabaseHandle> };

beforeAll(async () => {
  configurePortalEnv();
  database = await createTestDatabase("sqlite");
  globalForDb.consentryDb = Promise.resolve(database);
  for (const role of PARTNER_ROLES) keys[role] = (await createApiKey(database.db, { name: `${role} key`, role }, "test")).key;
});
afterAll(async () => {
  delete globalForDb.consentryDb;
  await database.dispose();
});

function call(method: "GET" | "PUT", key: string | null, body?: unknown) {
  const headers: Record<string, string> = { "user-agent": "schedule-test", "content-type": "application/json" };
  if (key) headers.authorization = `Bearer ${key}`;
  const request = new NextRequest("http://127.0.0.1:3000/api/v1/schedule", { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  return (method === "GET" ? GET : PUT)(request, { params: Promise.resolve({}) });
}

describe("GET and PUT /api/v1/schedule", () => {
  it("answers 401 without a key", async () => {
    expect((await call("GET", null)).status).toBe(401);
    expect((await call("PUT", null, { mode: "off" })).status).toBe(401);
  });

  it("lets a reader read the schedule (off at first) and refuses the reader and the operator a change (403)", async () => {
    const read = await call("GET", keys.reader);
    expect(read.status).toBe(200);
    expect(await read.json()).toMatchObject({ schedule: { mode: "off", everyHours: null, at: null }, nextDueAt: null, lastRun: null });
    for (const role of ["reader", "operator"] as const) {
      const refused = await call("PUT", keys[role], { mode: "interval", everyHours: 6 });
      expect(refused.status, role).toBe(403);
      expect(await refused.json()).toMatchObject({ code: "forbidden" });
    }
    expect((await (await call("GET", keys.reader)).json()).schedule.mode).toBe("off");
  });

  it("lets an admin set it, answers when it is next due, and audits the change under the key's name", async () => {
    const before = Date.now();
    const set = await call("PUT", keys.admin, { mode: "interval", everyHours: 6 });
    expect(set.status).toBe(200);
    const view = await set.json();
    expect(view.schedule).toMatchObject({ mode: "interval", everyHours: 6, at: null, updatedBy: "api-key:admin key" });
    expect(Date.parse(view.nextDueAt) - Date.parse(view.schedule.updatedAt)).toBe(6 * 3_600_000);
    expect(Date.parse(view.schedule.updatedAt)).toBeGreaterThanOrEqual(before - 1000);

    const daily = await (await call("PUT", keys.admin, { mode: "daily", at: "23:15" })).json();
    expect(daily.nextDueAt).toMatch(/T23:15:00\.000Z$/);
    const audit = await listAudit(database.db, { action: "schedule.changed" });
    expect(audit.map((a) => [a.actor, a.details])).toEqual([
      ["api-key:admin key", { from: { mode: "interval", everyHours: 6 }, to: { mode: "daily", at: "23:15" } }],
      ["api-key:admin key", { from: { mode: "off" }, to: { mode: "interval", everyHours: 6 } }],
    ]);
    expect(audit[0]!.userAgent).toBe("schedule-test");

    // Saving the same rule again changes nothing and is not audited again.
    expect((await call("PUT", keys.admin, { mode: "daily", at: "23:15" })).status).toBe(200);
    expect(await listAudit(database.db, { action: "schedule.changed" })).toHaveLength(2);
  });

  it.each([
    [{ mode: "interval", everyHours: 0 }, "everyHours"],
    [{ mode: "interval", everyHours: 169 }, "everyHours"],
    [{ mode: "daily", at: "7am" }, "at"],
    [{ mode: "weekly" }, "mode"],
    [{ mode: "off", extra: true }, ""],
  ])("refuses the body %j with a 422 naming %s", async (body, field) => {
    const response = await call("PUT", keys.admin, body);
    expect(response.status).toBe(422);
    expect((await response.json()).errors[0].path).toBe(field);
  });
});
