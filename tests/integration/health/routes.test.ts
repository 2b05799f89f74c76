import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { GET as live } from "@/app/api/health/route";
import { GET as ready } from "@/app/api/health/ready/route";
import { getDatabase } from "@/lib/db/database";
import { configurePortalEnv } from "../../support/portal-env";

const SHUTTING_DOWN = Symbol.for("consentry.shutting-down");

// The routes as Next calls them, on a sandbox configuration with a secret and a real SQLite database.
describe("GET /api/health and /api/health/ready", () => {
  beforeAll(() => configurePortalEnv({ AZURE_CLIENT_SECRET: "s3cr3t~value.for.routes" }));
  afterAll(async () => {
    delete (globalThis as Record<symbol, unknown>)[SHUTTING_DOWN];
    await (await getDatabase()).close();
  });

  it("answers liveness with the cloud and database engine, uncached", async () => {
    const response = live();
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(await response.json()).toMatchObject({ status: "ok", cloud: "sandbox", database: { engine: "sqlite" } });
  });

  it("answers readiness 200 when every check passes", async () => {
    const response = await ready();
    const body = await response.json();
    expect({ status: response.status, body }).toMatchObject({ status: 200, body: { status: "ready", failing: [] } });
    expect(Object.keys(body.checks)).toEqual(["database", "migrations", "credential", "shutdown"]);
  });

  it("answers readiness 503 naming the check once the server stops, while liveness stays 200", async () => {
    (globalThis as Record<symbol, unknown>)[SHUTTING_DOWN] = true;
    const response = await ready();
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({ status: "not_ready", failing: ["shutdown"], checks: { shutdown: { ok: false } } });
    expect(live().status).toBe(200);
  });
});
