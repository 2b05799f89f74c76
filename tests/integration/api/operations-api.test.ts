import { randomUUID } from "node:crypto";
import { NextRequest } from "next/server";
import { afterAll, describe, expect, it } from "vitest";

import { API_OPERATIONS, type ApiOperation } from "@/lib/api/operations";
import { createApiKey } from "@/lib/auth/api-keys";
import { PARTNER_ROLES, hasRole, type PartnerRole } from "@/lib/auth/roles";
import { importConsentedTenant } from "@/lib/consent/import-tenant";
import type { DatabaseHandle } from "@/lib/db/database";
import { listAudit } from "@/lib/db/repositories/audit";
import { TENANTS } from "../../support/emulator";
import { setUpPortalOnEmulator } from "../../support/portal-on-emulator";

const keys = {} as Record<PartnerRole, string>;
const portal = setUpPortalOnEmulator(async ({ database }) => {
  (globalThis as unknown as { consentryDb?: Promise<DatabaseHandle> }).consentryDb = Promise.resolve(database);
  await importConsentedTenant(database.db, "test", TENANTS.woodgrove);
  for (const role of PARTNER_ROLES) keys[role] = (await createApiKey(database.db, { name: `${role} key`, role }, "test")).key;
});
afterAll(() => {
  delete (globalThis as unknown as { consentryDb?: unknown }).consentryDb;
});

type Handler = (request: NextRequest, context: { params: Promise<Record<string, string>> }) => Promise<Response>;

async function send(op: Pick<ApiOperation, "method" | "path" | "file">, options: { key?: string | null; id?: string; body?: unknown; query?: string } = {}) {
  const routeModule = (await import(/* @vite-ignore */ `@/${op.file.replace(/\.ts$/, "")}`)) as Record<string, Handler>;
  const handler = routeModule[op.method.toUpperCase()]!;
  const id = options.id ?? randomUUID();
  const url = `http://127.0.0.1:3000${op.path.replace("{id}", encodeURIComponent(id))}${options.query ?? ""}`;
  const headers: Record<string, string> = { "user-agent": "api-test" };
  if (options.key !== null) headers.authorization = `Bearer ${options.key ?? keys.admin}`;
  const init = op.method === "get" ? { headers } : { method: op.method.toUpperCase(), headers: { ...headers, "content-type": "application/json" }, body: JSON.stringify(options.body ?? {}) };
  return handler(new NextRequest(url, init), { params: Promise.resolve({ id }) });
}

const op = (operationId: string) => API_OPERATIONS.find((o) => o.operationId === operationId)!;

describe("every /api/v1 operation, by role", () => {
  for (const operation of API_OPERATIONS) {
    it(`${operation.method.toUpperCase()} ${operation.path}: 401 without a key, 403 below ${operation.role}, allowed from ${operation.role}`, async () => {
      const anonymous = await send(operation, { key: null });
      expect(anonymous.status).toBe(401);
      expect(anonymous.headers.get("content-type")).toBe("application/problem+json");
      for (const role of PARTNER_ROLES) {
        if (operation.operationId === "startBulkRun" && hasRole(role, operation.role)) continue; // started once below, not per role
        if (operation.operationId === "startProbeRun" && hasRole(role, operation.role)) continue; // probes take seconds; run once below
        const response = await send(operation, { key: keys[role], body: operation.operationId === "createInvite" ? { customerName: `Role ${role}` } : {} });
        if (hasRole(role, operation.role)) expect([401, 403], `${role}: ${response.status}`).not.toContain(response.status);
        else {
          expect(response.status, role).toBe(403);
          expect(await response.json()).toMatchObject({ code: "forbidden", detail: expect.stringContaining(`"${role} key" has the ${role} role`) });
        }
      }
    });
  }
});

describe("invites through the API", () => {
  it("creates one (link shown once), lists it, revokes it — each write in the audit log under the key's name", async () => {
    const created = await send(op("createInvite"), { key: keys.operator, body: { customerName: "Contoso, Ltd", tenantHint: "contoso.com" } });
    expect(created.status).toBe(201);
    const { invite, link } = await created.json();
    expect(invite).toMatchObject({ customerName: "Contoso, Ltd", tenantHint: "contoso.com", state: "pending", createdBy: "api-key:operator key" });
    expect(link).toMatch(/\/consent\/[A-Za-z0-9_-]+$/);

    const listed = await (await send(op("listInvites"), { key: keys.reader, query: "?state=pending" })).json();
    expect(listed.items.map((i: { id: string }) => i.id)).toContain(invite.id);
    expect(JSON.stringify(listed)).not.toContain(link.split("/consent/")[1]);

    const revoked = await send(op("revokeInvite"), { key: keys.operator, id: invite.id });
    expect(revoked.status).toBe(200);
    expect(await revoked.json()).toMatchObject({ id: invite.id, state: "revoked", revokedBy: "api-key:operator key" });
    expect((await send(op("revokeInvite"), { key: keys.operator, id: invite.id })).status).toBe(200);

    const audit = await listAudit(portal.database.db, { target: invite.id });
    expect(audit.map((a) => [a.action, a.actor])).toEqual([
      ["invite.revoked", "api-key:operator key"],
      ["invite.created", "api-key:operator key"],
    ]);
    expect(audit[0]!.userAgent).toBe("api-test");
  });

  it.each([
    [{}, "customerName"],
    [{ customerName: "" }, "customerName"],
    [{ customerName: "X", tenantHint: "not a domain!" }, "tenantHint"],
    [{ customerName: "X", extra: 1 }, ""],
  ])("refuses the body %j with a 422 naming the field", async (body, field) => {
    const response = await send(op("createInvite"), { key: keys.operator, body });
    expect(response.status).toBe(422);
    expect((await response.json()).errors[0].path).toBe(field);
  });

  it("refuses a body that is not JSON", async () => {
    const routeModule = (await import("@/app/api/v1/invites/route")) as unknown as Record<string, Handler>;
    const request = new NextRequest("http://127.0.0.1:3000/api/v1/invites", { method: "POST", headers: { authorization: `Bearer ${keys.operator}` }, body: "customerName=x" });
    const response = await routeModule.POST!(request, { params: Promise.resolve({}) });
    expect(response.status).toBe(422);
    expect(await response.json()).toMatchObject({ detail: "The body is not JSON." });
  });

  it("searches the invites and pages through them with a cursor", async () => {
    for (const name of ["Paging Alpha", "Paging Beta", "Paging Gamma"]) expect((await send(op("createInvite"), { key: keys.operator, body: { customerName: name } })).status).toBe(201);
    const first = await (await send(op("listInvites"), { key: keys.reader, query: "?q=paging&limit=2" })).json();
    expect(first.items.map((i: { customerName: string }) => i.customerName)).toEqual(["Paging Gamma", "Paging Beta"]);
    const second = await (await send(op("listInvites"), { key: keys.reader, query: `?q=paging&limit=2&cursor=${first.nextCursor}` })).json();
    expect(second).toMatchObject({ items: [{ customerName: "Paging Alpha" }], nextCursor: null });
  });

  it.each([
    ["?state=lost", "state"],
    ["?limit=0", "limit"],
    ["?cursor=not%20a%20cursor", "cursor"],
    ["?cursor=e30", "cursor"], // base64url of {}: well-formed, but not a cursor this API gave
    ["?q=a&q=b", "q"],
    ["?colour=red", ""],
  ])("refuses the list query %s with a 422 naming the parameter", async (query, field) => {
    const response = await send(op("listInvites"), { key: keys.reader, query });
    expect(response.status).toBe(422);
    expect((await response.json()).errors[0].path).toBe(field);
  });

  it("answers 404 for an unknown or forged invite ID", async () => {
    for (const id of [randomUUID(), "../x", "1 or 1=1"]) expect((await send(op("revokeInvite"), { key: keys.operator, id })).status).toBe(404);
  });
});

describe("probe runs and bulk runs through the API", () => {
  it("probes a tenant, and the run can be read again", async () => {
    const started = await send(op("startProbeRun"), { key: keys.operator, id: TENANTS.woodgrove, body: { iterations: 2 } });
    expect(started.status).toBe(201);
    const run = await started.json();
    expect(run).toMatchObject({ tenantId: TENANTS.woodgrove, iterations: 2, status: "failed" });
    expect(run.results.find((r: { probe: string; iteration: number }) => r.probe === "domains" && r.iteration === 2).finding.id).toBe("permission_not_granted");
    const again = await (await send(op("getProbeRun"), { key: keys.reader, id: run.id })).json();
    expect(again).toEqual(run);
    const audit = await listAudit(portal.database.db, { action: "probes.run", target: TENANTS.woodgrove });
    expect(audit[0]).toMatchObject({ actor: "api-key:operator key", details: { iterations: 2 } });
  });

  it.each([[{ iterations: 0 }], [{ iterations: 500 }], [{ iterations: "2" }], [{ times: 2 }]])("refuses the probe-run body %j", async (body) => {
    expect((await send(op("startProbeRun"), { key: keys.operator, id: TENANTS.woodgrove, body })).status).toBe(422);
  });

  it("answers 404 for a tenant that is not onboarded", async () => {
    expect((await send(op("startProbeRun"), { key: keys.operator, id: TENANTS.fabrikam })).status).toBe(404);
  });

  it("starts a bulk run, reports its progress and lists its failing tenants", async () => {
    const started = await send(op("startBulkRun"), { key: keys.operator });
    expect(started.status).toBe(202);
    const { id, total } = await started.json();
    expect(total).toBe(1);
    let progress: { status: string; failed: number; done: number } = { status: "running", failed: 0, done: 0 };
    for (let i = 0; i < 100 && progress.status !== "completed"; i++) {
      await new Promise((r) => setTimeout(r, 100));
      progress = await (await send(op("getBulkRun"), { key: keys.reader, id })).json();
    }
    expect(progress.status).toBe("completed");
    expect(progress).toMatchObject({ failingChecks: 1 });
    const failing = await (await send(op("listBulkRunFailingTenants"), { key: keys.reader, id })).json();
    expect(failing.items.map((t: { id: string }) => t.id)).toEqual([TENANTS.woodgrove]);
    expect(failing.items[0].findings).toContain("permission_not_granted");
    const listTenants = API_OPERATIONS.find((o) => o.operationId === "listTenants")!;
    const filtered = await (await send(listTenants, { key: keys.reader, query: `?failedInBulkRun=${id}` })).json();
    expect(filtered.items.map((t: { id: string }) => t.id)).toEqual([TENANTS.woodgrove]);
  });
});

describe("the audit log through the API", () => {
  it("filters by actor and action, newest first, and pages with nextBefore", async () => {
    const body = await (await send(op("listAudit"), { key: keys.reader, query: `?actor=${encodeURIComponent("api-key:operator key")}&limit=2` })).json();
    expect(body.items).toHaveLength(2);
    expect(body.items.every((e: { actor: string }) => e.actor === "api-key:operator key")).toBe(true);
    expect(body.items[0].at >= body.items[1].at).toBe(true);
    const older = await (await send(op("listAudit"), { key: keys.reader, query: `?actor=${encodeURIComponent("api-key:operator key")}&before=${encodeURIComponent(body.nextBefore)}` })).json();
    expect(older.items.every((e: { at: string }) => e.at < body.nextBefore)).toBe(true);
  });

  it.each([["?since=yesterday", "since"], ["?action=DROP TABLE", "action"], ["?limit=-1", "limit"]])("refuses %s", async (query, field) => {
    const response = await send(op("listAudit"), { key: keys.reader, query });
    expect(response.status).toBe(422);
    expect((await response.json()).errors[0].path).toBe(field);
  });
});

describe("offboarding through the API", () => {
  it("removes the tenant and its data, keeps the audit entry, and says what the customer does next", async () => {
    const db = portal.database.db;
    await importConsentedTenant(db, "test", "9a3c5d8e-1f0b-4acd-8d4e-8b9c0d1e2f08");
    const trey = "9a3c5d8e-1f0b-4acd-8d4e-8b9c0d1e2f08";
    const operation = op("offboardTenant");
    expect((await send(operation, { key: keys.operator, id: trey })).status).toBe(403);
    const response = await send(operation, { key: keys.admin, id: trey });
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body).toMatchObject({ tenantId: trey, displayName: expect.any(String) });
    expect(body.customerInstructions).toMatch(/Enterprise applications > All applications > .* > Properties > Delete/);
    for (const table of ["tenants", "probe_runs", "consent_events"] as const) {
      const column = table === "tenants" ? "id" : "tenant_id";
      const rows = await db.selectFrom(table).select(column as never).where(column as never, "=", trey as never).execute();
      expect(rows, table).toEqual([]);
    }
    const audit = await listAudit(db, { target: trey, action: "tenant.offboarded" });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actor: "api-key:admin key" });
    expect((await send(operation, { key: keys.admin, id: trey })).status).toBe(404);
  });
});
