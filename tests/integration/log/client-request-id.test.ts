import diagnostics from "node:diagnostics_channel";
import type { ClientRequest, IncomingMessage } from "node:http";
import { NextRequest } from "next/server";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";

import { POST as startBulkRunRoute } from "@/app/api/v1/bulk-runs/route";
import { POST as startProbeRunRoute } from "@/app/api/v1/tenants/[id]/probe-runs/route";
import { createApiKey } from "@/lib/auth/api-keys";
import { importConsentedTenant } from "@/lib/consent/import-tenant";
import type { DatabaseHandle } from "@/lib/db/database";
import { createBulkRun, getBulkProgress } from "@/lib/db/repositories/bulk-runs";
import { resetMsalClientForTests } from "@/lib/identity/msal-client";
import { ensureBulkWorker } from "@/lib/probes/bulk";
import { TENANTS } from "../../support/emulator";
import { setUpPortalOnEmulator } from "../../support/portal-on-emulator";

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const REQUEST_ID = "3c9e7a41-5b2d-4f80-9e6a-1d2c3b4a5f60";

let key = "";
const portal = setUpPortalOnEmulator(async ({ database }) => {
  (globalThis as unknown as { consentryDb?: Promise<DatabaseHandle> }).consentryDb = Promise.resolve(database);
  await importConsentedTenant(database.db, "test", TENANTS.woodgrove);
  key = (await createApiKey(database.db, { name: "request-id test", role: "operator" }, "test")).key;
});
afterAll(() => {
  delete (globalThis as unknown as { consentryDb?: unknown }).consentryDb;
});

/** What the portal sent to the sandbox cloud and what came back, seen on Node's HTTP client channels. */
interface Exchange {
  method: string;
  path: string;
  sentClientRequestId: string | undefined;
  echoedClientRequestId: string | undefined;
}

let exchanges: Exchange[] = [];
const byRequest = new Map<ClientRequest, Exchange>();
const onStart = (message: unknown) => {
  const { request } = message as { request: ClientRequest };
  const exchange: Exchange = { method: request.method, path: request.path, sentClientRequestId: request.getHeader("client-request-id") as string | undefined, echoedClientRequestId: undefined };
  byRequest.set(request, exchange);
  exchanges.push(exchange);
};
const onFinish = (message: unknown) => {
  const { request, response } = message as { request: ClientRequest; response: IncomingMessage };
  const exchange = byRequest.get(request);
  if (exchange) exchange.echoedClientRequestId = response.headers["client-request-id"] as string | undefined;
};

beforeEach(() => {
  exchanges = [];
  // A token is asked for within the request, not taken from an earlier test's cache.
  resetMsalClientForTests();
  diagnostics.subscribe("http.client.request.start", onStart);
  diagnostics.subscribe("http.client.response.finish", onFinish);
});
afterEach(() => {
  diagnostics.unsubscribe("http.client.request.start", onStart);
  diagnostics.unsubscribe("http.client.response.finish", onFinish);
});

function post(path: string, headers: Record<string, string>, body: unknown = {}) {
  return new NextRequest(`http://127.0.0.1:3000${path}`, { method: "POST", headers: { authorization: `Bearer ${key}`, "content-type": "application/json", ...headers }, body: JSON.stringify(body) });
}

const tokenRequests = () => exchanges.filter((e) => e.method === "POST" && e.path.includes("/oauth2/v2.0/token"));
const graphRequests = () => exchanges.filter((e) => e.path.startsWith("/v1.0/"));

describe("client-request-id on every call to Microsoft", () => {
  it("a probe run started with x-request-id X sends client-request-id: X to the token endpoint, Graph and Exchange", async () => {
    const response = await startProbeRunRoute(post(`/api/v1/tenants/${TENANTS.woodgrove}/probe-runs`, { "x-request-id": REQUEST_ID }), { params: Promise.resolve({ id: TENANTS.woodgrove }) });
    expect(response.status).toBe(201);

    expect(tokenRequests().length).toBeGreaterThan(0);
    expect(graphRequests().length).toBeGreaterThan(0);
    expect(exchanges.filter((e) => e.path.startsWith("/adminapi/")).length).toBeGreaterThan(0);
    for (const exchange of exchanges) expect(exchange.sentClientRequestId, `${exchange.method} ${exchange.path}`).toBe(REQUEST_ID);
    // msal-node's own correlation ID in the token request's query string is replaced by the request's.
    for (const token of tokenRequests()) expect(new URL(token.path, "https://x").searchParams.get("client-request-id")).toBe(REQUEST_ID);
    // The sandbox, like Graph, answers with the client-request-id it received.
    for (const graph of graphRequests()) expect(graph.echoedClientRequestId, graph.path).toBe(REQUEST_ID);
  });

  it("a request without a usable x-request-id gets a new GUID, the same on all its calls", async () => {
    const response = await startProbeRunRoute(post(`/api/v1/tenants/${TENANTS.woodgrove}/probe-runs`, { "x-request-id": "not a guid" }), { params: Promise.resolve({ id: TENANTS.woodgrove }) });
    expect(response.status).toBe(201);
    const ids = new Set(exchanges.map((e) => e.sentClientRequestId));
    expect(ids.size).toBe(1);
    expect([...ids][0]).toMatch(GUID);
  });

  it("a bulk run keeps the ID of the request that started it; one resumed in the background gets its own", async () => {
    const started = await startBulkRunRoute(post("/api/v1/bulk-runs", { "x-request-id": REQUEST_ID }), { params: Promise.resolve({}) });
    expect(started.status).toBe(202);
    const { id } = (await started.json()) as { id: string };
    await ensureBulkWorker(portal.database.db, id);
    expect((await getBulkProgress(portal.database.db, id))?.run.status).toBe("completed");
    expect(tokenRequests().length).toBeGreaterThan(0);
    expect(graphRequests().length).toBeGreaterThan(0);
    for (const exchange of exchanges) expect(exchange.sentClientRequestId, `${exchange.method} ${exchange.path}`).toBe(REQUEST_ID);

    // As at start-up: no request, so the worker's run is its own.
    exchanges = [];
    resetMsalClientForTests();
    const resumed = await createBulkRun(portal.database.db, "test", [TENANTS.woodgrove]);
    await ensureBulkWorker(portal.database.db, resumed.id);
    expect(graphRequests().length).toBeGreaterThan(0);
    const ids = new Set(exchanges.map((e) => e.sentClientRequestId));
    expect(ids.size).toBe(1);
    expect([...ids][0]).toMatch(GUID);
    expect([...ids][0]).not.toBe(REQUEST_ID);
  });
});
