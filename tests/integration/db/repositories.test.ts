import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { appendAudit, listAudit } from "@/lib/db/repositories/audit";
import { listConsentEvents, recordConsentEvent } from "@/lib/db/repositories/consent-events";
import {
  findInviteByCodeHash,
  getInvite,
  insertInvite,
  searchInvites,
  markInviteConsented,
  markInviteFailed,
  markInviteOpened,
  revokeInvite,
} from "@/lib/db/repositories/invites";
import { getLatestPermissionSet, getPermissionSet, savePermissionSet } from "@/lib/db/repositories/permission-sets";
import { listProbeResults, listProbeRuns, recordProbeRuns, type NewProbeRun } from "@/lib/db/repositories/probe-runs";
import { countTenantsByStatus, getTenant, listTenants, updateTenant, updateTenantsQuietly, upsertTenant } from "@/lib/db/repositories/tenants";
import { generateInviteCode, hashInviteCode } from "@/lib/invites/invite-code";
import { createTestDatabase, ENGINES, type TestDatabase } from "../../support/databases";

const TENANT_A = "0f1e2d3c-4b5a-6978-8a9b-acbdcedf0011";
const TENANT_B = "1a2b3c4d-5e6f-4a1b-8c2d-3e4f5a6b7c8d";

describe.each(ENGINES)("repositories on %s", (engine) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase(engine);
    await savePermissionSet(database.db, {
      version: 1,
      label: "Directory read",
      permissions: [{ resource: "graph", value: "Organization.Read.All", appRoleId: null, displayName: null, description: null }],
    });
  });
  afterAll(async () => {
    await database?.dispose();
  });

  describe("permission sets", () => {
    it("keeps versions immutable and returns the latest", async () => {
      const db = database.db;
      const entry = (value: string) => ({ resource: "sharepoint" as const, value, appRoleId: null, displayName: "Read items", description: "Allows the app to read." });
      const v2 = { version: 2, label: "Mail", source: "registration" as const, permissions: [entry("Sites.Read.All")] };
      await savePermissionSet(db, v2);
      await savePermissionSet(db, v2); // same content again is fine
      await expect(savePermissionSet(db, { ...v2, permissions: [entry("Sites.FullControl.All")] })).rejects.toThrow(
        /already exists with other permissions/,
      );
      expect((await getPermissionSet(db, 2))?.permissions).toEqual(v2.permissions);
      expect((await getLatestPermissionSet(db))?.version).toBe(2);
      expect((await getLatestPermissionSet(db))?.source).toBe("registration");
    });

    it("reads versions stored before resources and app role IDs were kept", async () => {
      const db = database.db;
      await db.insertInto("permission_sets").values({ version: 3, label: "Old", permissions: JSON.stringify([{ resource: "exchange", permission: "Exchange.ManageAsApp" }]), created_at: new Date().toISOString() }).execute();
      expect(await getPermissionSet(db, 3)).toMatchObject({ source: "settings", permissions: [{ resource: "exchange", value: "Exchange.ManageAsApp", appRoleId: null, displayName: null, description: null }] });
      await db.deleteFrom("permission_sets").where("version", "=", 3).execute();
    });
  });

  describe("invites", () => {
    it("stores only the code's hash and finds the invite by it", async () => {
      const code = generateInviteCode();
      const invite = await insertInvite(database.db, {
        codeHash: hashInviteCode(code),
        customerName: "Contoso",
        tenantHint: "contoso.com",
        permissionSetVersion: 1,
        createdBy: "alice@partner.example",
        ttlDays: 14,
      });
      expect(invite.state).toBe("pending");
      const found = await findInviteByCodeHash(database.db, hashInviteCode(code));
      expect(found?.id).toBe(invite.id);
      const raw = await database.db.selectFrom("invites").selectAll().where("id", "=", invite.id).executeTakeFirstOrThrow();
      expect(JSON.stringify(raw)).not.toContain(code);
      expect(await findInviteByCodeHash(database.db, hashInviteCode(generateInviteCode()))).toBeNull();
    });

    it("expires after its lifetime and moves through opened, failed, consented", async () => {
      const created = new Date("2026-01-01T00:00:00.000Z");
      const invite = await insertInvite(database.db, {
        codeHash: hashInviteCode(generateInviteCode()),
        customerName: "Fabrikam",
        tenantHint: null,
        permissionSetVersion: 1,
        createdBy: "alice@partner.example",
        ttlDays: 14,
        now: created,
      });
      expect(invite.expiresAt).toBe("2026-01-15T00:00:00.000Z");
      expect((await getInvite(database.db, invite.id, new Date("2026-01-15T00:00:00.000Z")))?.state).toBe("expired");

      const during = new Date("2026-01-02T00:00:00.000Z");
      await markInviteOpened(database.db, invite.id, during);
      await markInviteOpened(database.db, invite.id, new Date("2026-01-03T00:00:00.000Z"));
      const opened = await getInvite(database.db, invite.id, during);
      expect(opened?.state).toBe("opened");
      expect(opened?.openedAt).toBe(during.toISOString());

      await markInviteFailed(database.db, invite.id, "AADSTS65004: User declined to consent", during);
      expect((await getInvite(database.db, invite.id, during))?.state).toBe("failed");

      await upsertTenant(database.db, TENANT_B, { status: "consented" });
      await markInviteConsented(database.db, invite.id, TENANT_B, during);
      const consented = await getInvite(database.db, invite.id, during);
      expect(consented).toMatchObject({ state: "consented", tenantId: TENANT_B, lastError: null });
    });

    it("revokes once and reports a second revoke as a no-op", async () => {
      const invite = await insertInvite(database.db, {
        codeHash: hashInviteCode(generateInviteCode()),
        customerName: "Northwind",
        tenantHint: null,
        permissionSetVersion: 1,
        createdBy: "alice@partner.example",
        ttlDays: 1,
      });
      expect(await revokeInvite(database.db, invite.id, "bob@partner.example")).toBe(true);
      expect(await revokeInvite(database.db, invite.id, "bob@partner.example")).toBe(false);
      expect(await getInvite(database.db, invite.id)).toMatchObject({ state: "revoked", revokedBy: "bob@partner.example" });
      const { items } = await searchInvites(database.db, { limit: 100 });
      expect(items.map((i) => i.customerName)).toContain("Northwind");
    });

    it("refuses two invites with the same code hash", async () => {
      const codeHash = hashInviteCode(generateInviteCode());
      const input = { codeHash, customerName: "Dup", tenantHint: null, permissionSetVersion: 1, createdBy: "a", ttlDays: 1 };
      await insertInvite(database.db, input);
      await expect(insertInvite(database.db, input)).rejects.toThrow();
    });

    it("refuses an invite for a permission set that does not exist", async () => {
      await expect(
        insertInvite(database.db, { codeHash: hashInviteCode(generateInviteCode()), customerName: "X", tenantHint: null, permissionSetVersion: 99, createdBy: "a", ttlDays: 1 }),
      ).rejects.toThrow();
    });
  });

  describe("tenants", () => {
    it("creates on first upsert, updates only the given fields afterwards, and lower-cases ids", async () => {
      const created = await upsertTenant(database.db, TENANT_A.toUpperCase(), {
        status: "verifying",
        displayName: "Contoso",
        consentedPermissionSetVersion: 1,
      });
      expect(created).toMatchObject({ id: TENANT_A, status: "verifying", displayName: "Contoso", roles: [] });
      const updated = await upsertTenant(database.db, TENANT_A, {
        status: "consented",
        roles: ["User.Read.All", "Organization.Read.All"],
        initialDomain: "contoso.onmicrosoft.com",
      });
      expect(updated).toMatchObject({
        status: "consented",
        displayName: "Contoso",
        roles: ["Organization.Read.All", "User.Read.All"],
        initialDomain: "contoso.onmicrosoft.com",
      });
      expect(updated.createdAt).toBe(created.createdAt);
    });

    it("ends with one row when many callbacks upsert the same tenant at once", async () => {
      const id = "2b3c4d5e-6f70-4a1b-8c2d-3e4f5a6b7c8d";
      await Promise.all(Array.from({ length: 20 }, (_, i) => upsertTenant(database.db, id, { status: "verifying", displayName: `Try ${i}` })));
      const rows = await database.db.selectFrom("tenants").select("id").where("id", "=", id).execute();
      expect(rows).toHaveLength(1);
    });

    it("updates an existing tenant, returns null for an unknown one, and counts by status", async () => {
      expect(await updateTenant(database.db, "ffffffff-ffff-4fff-8fff-ffffffffffff", { status: "failed" })).toBeNull();
      await updateTenant(database.db, TENANT_A, { testMailbox: "adele@contoso.com" });
      expect((await getTenant(database.db, TENANT_A))?.testMailbox).toBe("adele@contoso.com");
      const counts = await countTenantsByStatus(database.db);
      expect(counts.consented).toBeGreaterThanOrEqual(2);
      expect(typeof counts.verifying).toBe("number");
      const consented = await listTenants(database.db, { status: "consented" });
      expect(consented.every((t) => t.status === "consented")).toBe(true);
    });

    it("updates many tenants at once, each with its own changes, and skips unknown ones", async () => {
      const ids = ["3c4d5e6f-7081-4a1b-8c2d-3e4f5a6b7c01", "3c4d5e6f-7081-4a1b-8c2d-3e4f5a6b7c02", "3c4d5e6f-7081-4a1b-8c2d-3e4f5a6b7c03"];
      for (const id of ids) await upsertTenant(database.db, id, { status: "consented", displayName: "Before", testMailbox: "old@example.com" });
      const at = new Date("2026-11-20T10:00:00Z");
      const updated = await updateTenantsQuietly(database.db, [
        // Two tenants with the same columns share a statement, with different values.
        { id: ids[0]!.toUpperCase(), changes: { roles: ["User.Read.All", "Mail.Read"], lastProbeRun: { id: "run-1", status: "passed", startedAt: "2026-11-20T09:59:00.000Z" } }, now: at },
        { id: ids[1]!, changes: { roles: [], lastProbeRun: { id: "run-2", status: "failed", startedAt: "2026-11-20T09:58:00.000Z" } }, now: at },
        // Another shape: the integer column, a cleared field and a status.
        { id: ids[2]!, changes: { consentedPermissionSetVersion: 1, testMailbox: null, status: "revoked" }, now: at },
        { id: "ffffffff-ffff-4fff-8fff-fffffffffffe", changes: { roles: ["X"], lastProbeRun: { id: "run-3", status: "passed", startedAt: "2026-11-20T09:57:00.000Z" } } },
      ]);
      expect([...updated].sort()).toEqual([...ids].sort());
      const [a, b, c] = await Promise.all(ids.map((id) => getTenant(database.db, id)));
      expect(a).toMatchObject({ roles: ["Mail.Read", "User.Read.All"], lastProbeRunId: "run-1", lastCheckStatus: "passed", lastCheckAt: "2026-11-20T09:59:00.000Z", displayName: "Before", testMailbox: "old@example.com", updatedAt: at.toISOString() });
      expect(b).toMatchObject({ roles: [], lastProbeRunId: "run-2", lastCheckStatus: "failed", lastCheckAt: "2026-11-20T09:58:00.000Z", status: "consented" });
      expect(c).toMatchObject({ consentedPermissionSetVersion: 1, testMailbox: null, status: "revoked", displayName: "Before" });
      expect(await updateTenantsQuietly(database.db, [])).toEqual([]);
    });

    it("refuses a status outside the known set", async () => {
      await expect(
        database.db
          .insertInto("tenants")
          .values({ id: "bad", status: "bogus" as never, created_at: "x", updated_at: "x" })
          .execute(),
      ).rejects.toThrow();
    });
  });

  describe("consent events", () => {
    it("records unverified claims separately from verified events and clips echoed text", async () => {
      await recordConsentEvent(database.db, { kind: "callback", tenantId: TENANT_A, verified: false, errorDescription: "x".repeat(5000) });
      await recordConsentEvent(database.db, { kind: "verified", tenantId: TENANT_A, verified: true, details: { roles: ["User.Read.All"] } });
      const events = await listConsentEvents(database.db, { tenantId: TENANT_A });
      expect(events.map((e) => [e.kind, e.verified])).toEqual(expect.arrayContaining([["callback", false], ["verified", true]]));
      const callback = events.find((e) => e.kind === "callback")!;
      expect(callback.errorDescription).toHaveLength(2000);
      expect(events.find((e) => e.kind === "verified")!.details).toEqual({ roles: ["User.Read.All"] });
    });
  });

  describe("probe runs", () => {
    const finished = (at: string, changes: Partial<NewProbeRun> = {}): NewProbeRun => ({
      tenantId: TENANT_A,
      trigger: "manual",
      iterations: 1,
      bulkRunId: null,
      status: "passed",
      startedAt: new Date(at),
      finishedAt: new Date(at),
      summary: {},
      results: [],
      ...changes,
    });

    it("keeps a history of runs and stores results with the run in one step", async () => {
      const [first] = await recordProbeRuns(database.db, [
        finished("2026-02-01T00:00:00.000Z", {
          status: "failed",
          results: [
            { probe: "token", permission: null, outcome: "pass", httpStatus: 200, latencyMs: 41.6, requestId: null, errorCode: null, errorMessage: null, finding: null },
            {
              probe: "mail",
              permission: "Mail.Read",
              outcome: "fail",
              httpStatus: 401,
              latencyMs: 120,
              requestId: "5f3c-request",
              errorCode: "InvalidAuthenticationToken",
              errorMessage: "x-ms-diagnostics: 2000001",
              finding: { title: "On-premises mailbox refuses app-only tokens" },
            },
          ],
          summary: { passed: 1, failed: 1 },
          tenantChanges: { testMailbox: "adele@a.example", roles: ["Mail.Read"] },
        }),
      ]);
      const [second] = await recordProbeRuns(database.db, [finished("2026-02-02T00:00:00.000Z", { trigger: "bulk" })]);

      const runs = await listProbeRuns(database.db, TENANT_A);
      expect(runs.map((r) => r.id).slice(0, 2)).toEqual([second!.id, first!.id]);
      expect(runs[1]).toMatchObject({ status: "failed", summary: { passed: 1, failed: 1 }, finishedAt: "2026-02-01T00:00:00.000Z" });
      const results = await listProbeResults(database.db, first!.id);
      expect(results.map((r) => r.probe)).toEqual(["mail", "token"]);
      expect(results[1]!.latencyMs).toBe(42);
      expect(results[0]!.finding).toEqual({ title: "On-premises mailbox refuses app-only tokens" });
      const tenant = await getTenant(database.db, TENANT_A);
      expect(tenant).toMatchObject({ lastProbeRunId: second!.id, testMailbox: "adele@a.example", roles: ["Mail.Read"] });
    });

    it("stores many runs with many results in one call, each tenant pointing at its own", async () => {
      const results = Array.from({ length: 450 }, (_, i) => ({ probe: `p${i}`, permission: null, outcome: "pass" as const, httpStatus: 200, latencyMs: i, requestId: null, errorCode: null, errorMessage: null, finding: null, iteration: 1 }));
      const stored = await recordProbeRuns(database.db, [finished("2026-02-03T00:00:00.000Z", { results }), finished("2026-02-03T00:00:01.000Z", { tenantId: TENANT_B, results: results.slice(0, 3) })]);
      expect(await listProbeResults(database.db, stored[0]!.id)).toHaveLength(450);
      expect(await listProbeResults(database.db, stored[1]!.id)).toHaveLength(3);
      expect((await getTenant(database.db, TENANT_A))?.lastProbeRunId).toBe(stored[0]!.id);
      expect((await getTenant(database.db, TENANT_B))?.lastProbeRunId).toBe(stored[1]!.id);
    });

    it("stores nothing when a result is invalid, or when the step alongside fails", async () => {
      const before = (await listProbeRuns(database.db, TENANT_A, { limit: 1000 })).length;
      const bad = { probe: "x", permission: null, outcome: "weird" as never, httpStatus: null, latencyMs: null, requestId: null, errorCode: null, errorMessage: null, finding: null };
      await expect(recordProbeRuns(database.db, [finished("2026-02-04T00:00:00.000Z", { results: [bad] })])).rejects.toThrow();
      await expect(
        recordProbeRuns(database.db, [finished("2026-02-04T00:00:00.000Z")], async () => {
          throw new Error("disk full");
        }),
      ).rejects.toThrow("disk full");
      expect(await listProbeRuns(database.db, TENANT_A, { limit: 1000 })).toHaveLength(before);
    });
  });

  describe("audit log", () => {
    it("lists newest first and pages with `before`", async () => {
      for (let i = 0; i < 5; i++) {
        await appendAudit(database.db, { actor: "alice@partner.example", action: "invite.created", target: `invite-${i}`, ip: "203.0.113.7" }, new Date(Date.UTC(2026, 2, 1, 0, 0, i)));
      }
      const page1 = await listAudit(database.db, { limit: 2, action: "invite.created" });
      expect(page1.map((e) => e.target)).toEqual(["invite-4", "invite-3"]);
      const page2 = await listAudit(database.db, { limit: 2, action: "invite.created", before: page1[1]!.at });
      expect(page2.map((e) => e.target)).toEqual(["invite-2", "invite-1"]);
    });
  });
});
