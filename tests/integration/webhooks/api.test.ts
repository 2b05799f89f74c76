import { NextRequest } from "next/server";
import { afterAll, describe, expect, it } from "vitest";

import { createApiKey } from "@/lib/auth/api-keys";
import { PARTNER_ROLES, type PartnerRole } from "@/lib/auth/roles";
import type { DatabaseHandle } from "@/lib/db/database";
import { listAudit } from "@/lib/db/repositories/audit";
import { setUpPortalOnEmulator } from "../../support/portal-on-emulator";

const keys = {} as Record<PartnerRole, string>;
const portal = setUpPortalOnEmulator(async ({ database }) => {
  (globalThis as unknown as { consentryDb?: Promise<DatabaseHandle> }).consentryDb = Promise.resolve(database);
  for (const role of PARTNER_ROLES) keys[role] = (await createApiKey(database.db, { name: `${role} key`, role }, "test")).key;
});
afterAll(() => {
  delete (globalThis as unknown as { consentryDb?: unknown }).consentryDb;
});

type Handler = (request: NextRequest, context: { params: Promise<Record<string, string>> }) => Promise<Response>;

async function call(file: string, method: string, options: { role?: PartnerRole; id?: string; body?: unknown; path?: string } = {}) {
  const routeModule = (await import(/* @vite-ignore */ `@/app/api/v1/webhooks/${file}`)) as Record<string, Handler>;
  const headers: Record<string, string> = { authorization: `Bearer ${keys[options.role ?? "admin"]}`, "user-agent": "webhooks-api-test" };
  const init = method === "GET" ? { headers } : { method, headers: { ...headers, "content-type": "application/json" }, body: options.body === undefined ? undefined : JSON.stringify(options.body) };
  return routeModule[method]!(new NextRequest(`http://127.0.0.1:3000${options.path ?? "/api/v1/webhooks"}`, init), { params: Promise.resolve<Record<string, string>>(options.id ? { id: options.id } : {}) });
}

describe("/api/v1/webhooks", () => {
  it("lets an admin create an endpoint (secret shown once), a reader list it but not create one", async () => {
    const forbidden = await call("route", "POST", { role: "reader", body: { url: "https://hooks.example/x", events: ["tenant.regressed"] } });
    expect(forbidden.status).toBe(403);
    expect(await call("route", "POST", { role: "operator", body: { url: "https://hooks.example/x", events: ["tenant.regressed"] } }).then((r) => r.status)).toBe(403);

    const invalid = await call("route", "POST", { body: { url: "ftp://hooks.example/x", events: ["tenant.nope"], format: "email" } });
    expect(invalid.status).toBe(422);
    expect(((await invalid.json()) as { errors: { path: string }[] }).errors.map((e) => e.path).sort()).toEqual(["events.0", "format", "url"]);

    const created = await call("route", "POST", { body: { url: "https://hooks.example/consentry", description: "PSA", events: ["tenant.regressed", "tenant.recovered"], format: "teams" } });
    expect(created.status).toBe(201);
    const body = (await created.json()) as { endpoint: { id: string }; secret: string };
    expect(body).toMatchObject({ secret: expect.stringMatching(/^whsec_/), endpoint: { url: "https://hooks.example/consentry", events: ["tenant.recovered", "tenant.regressed"], format: "teams", enabled: true, createdBy: "api-key:admin key" } });
    const id = body.endpoint.id;

    const list = await call("route", "GET", { role: "reader" });
    expect(list.status).toBe(200);
    const listed = JSON.stringify(await list.json());
    expect(listed).toContain(id);
    expect(listed).not.toContain(body.secret);
    expect(listed).not.toContain("secret");

    expect((await call("[id]/route", "GET", { role: "reader", id })).status).toBe(200);
    expect((await call("[id]/route", "PATCH", { role: "reader", id, body: { enabled: false } })).status).toBe(403);
    const patched = await call("[id]/route", "PATCH", { id, body: { enabled: false, events: ["bulk_run.finished"] } });
    expect(await patched.json()).toMatchObject({ enabled: false, disabledAt: expect.any(String), events: ["bulk_run.finished"] });

    const ping = await call("[id]/ping/route", "POST", { id });
    expect(ping.status).toBe(202);
    const delivery = (await ping.json()) as { id: string; eventType: string; status: string };
    expect(delivery).toMatchObject({ eventType: "webhook.ping", status: "pending" });

    const deliveries = await call("[id]/deliveries/route", "GET", { role: "reader", id, path: `/api/v1/webhooks/${id}/deliveries?limit=10` });
    expect(await deliveries.json()).toMatchObject({ items: [{ id: delivery.id, status: "pending", attempts: 0, lastStatusCode: null, lastResponseMs: null }] });

    expect((await call("deliveries/[id]/redeliver/route", "POST", { role: "reader", id: delivery.id })).status).toBe(403);
    expect((await call("deliveries/[id]/redeliver/route", "POST", { id: delivery.id })).status).toBe(202);
    expect((await call("deliveries/[id]/redeliver/route", "POST", { id: "00000000-0000-4000-8000-000000000000" })).status).toBe(404);

    expect((await call("[id]/route", "DELETE", { role: "reader", id })).status).toBe(403);
    expect((await call("[id]/route", "DELETE", { id })).status).toBe(204);
    expect((await call("[id]/route", "GET", { id })).status).toBe(404);

    const actions = (await listAudit(portal.database.db, { target: id })).map((e) => [e.action, e.actor]);
    expect(actions).toEqual(
      expect.arrayContaining([
        ["webhook.created", "api-key:admin key"],
        ["webhook.updated", "api-key:admin key"],
        ["webhook.pinged", "api-key:admin key"],
        ["webhook.redelivered", "api-key:admin key"],
        ["webhook.deleted", "api-key:admin key"],
      ]),
    );
  });
});
