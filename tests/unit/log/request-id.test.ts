import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { NextRequest } from "next/server";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import { resetConfigForTests } from "@/lib/config";
import { PEER_HEADER, PEER_HEADER_MARK } from "@/lib/http/client-address";
import { createRateLimiter, DEFAULT_RATE_LIMITS, setRateLimiter, type GroupLimits, type RouteGroup } from "@/lib/http/rate-limit";
import { currentRequestId, requestIdFromHeaders, runAsBackgroundWork, runWithRequestId, withRequestId } from "@/lib/log/request-context";
import { newRequestId, parseRequestId, requestIdOrNew } from "@/lib/log/request-id";
import { proxy } from "@/proxy";

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const CLIENT_ID = "6f1d2c3b-4a59-4e8d-9c7b-0a1b2c3d4e5f";

describe("the request ID rule", () => {
  it("takes a client's GUID, lower-cased", () => {
    expect(parseRequestId(CLIENT_ID)).toBe(CLIENT_ID);
    expect(parseRequestId(CLIENT_ID.toUpperCase())).toBe(CLIENT_ID);
  });

  it.each([
    ["absent", null],
    ["empty", ""],
    ["a word", "hello"],
    ["a GUID in braces", `{${CLIENT_ID}}`],
    ["a GUID with spaces around", ` ${CLIENT_ID} `],
    ["a GUID with more after it", `${CLIENT_ID}-x`],
    ["a header injection", `${CLIENT_ID}\r\nset-cookie: a=b`],
    ["a log injection", `${CLIENT_ID}"}\n{"level":"fatal"`],
    ["too long", "a".repeat(500)],
    ["32 hex digits without dashes", CLIENT_ID.replace(/-/g, "")],
  ])("refuses %s", (_name, value) => {
    expect(parseRequestId(value)).toBeNull();
    expect(requestIdOrNew(value)).toMatch(GUID);
  });

  it("makes a new random GUID each time", () => {
    const ids = new Set(Array.from({ length: 100 }, newRequestId));
    expect(ids.size).toBe(100);
    for (const id of ids) expect(id).toMatch(GUID);
  });
});

describe("the request context", () => {
  it("is the ID a run was given, through awaits and timers, and nothing outside", async () => {
    expect(currentRequestId()).toBeUndefined();
    const seen = await runWithRequestId(CLIENT_ID, async () => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      return currentRequestId();
    });
    expect(seen).toBe(CLIENT_ID);
    expect(currentRequestId()).toBeUndefined();
  });

  it("gives background work its own ID per run, unless a request started it", () => {
    const first = runAsBackgroundWork(() => currentRequestId());
    const second = runAsBackgroundWork(() => currentRequestId());
    expect(first).toMatch(GUID);
    expect(second).toMatch(GUID);
    expect(first).not.toBe(second);
    expect(runWithRequestId(CLIENT_ID, () => runAsBackgroundWork(() => currentRequestId()))).toBe(CLIENT_ID);
  });

  it("runs a route handler under the ID proxy.ts passed in x-request-id (a new one when there is none)", async () => {
    const handler = withRequestId(async (_request: NextRequest) => currentRequestId());
    expect(await handler(new NextRequest("http://localhost/api/x", { headers: { "x-request-id": CLIENT_ID } }))).toBe(CLIENT_ID);
    expect(await handler(new NextRequest("http://localhost/api/x"))).toMatch(GUID);
    expect(requestIdFromHeaders(new Headers({ "x-request-id": "not-an-id" }))).toMatch(GUID);
  });
});

describe("proxy.ts and x-request-id", () => {
  let dataDir: string;

  beforeEach(() => {
    dataDir = mkdtempSync(path.join(tmpdir(), "consentry-request-id-"));
    vi.stubEnv("DATA_DIR", dataDir);
    vi.stubEnv("PUBLIC_BASE_URL", "https://consentry.example.com");
    vi.stubEnv("LOG_LEVEL", "silent");
    resetConfigForTests();
  });

  afterEach(() => {
    vi.unstubAllEnvs();
    resetConfigForTests();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const get = (url: string, headers: Record<string, string> = {}) => proxy(new NextRequest(`https://consentry.example.com${url}`, { headers }));

  it("echoes a client's GUID on the response and hands it to the app", async () => {
    const response = await get("/dashboard", { "x-request-id": CLIENT_ID });
    expect(response.headers.get("x-request-id")).toBe(CLIENT_ID);
    // NextResponse.next({ request: { headers } }) passes overridden request headers this way.
    expect(response.headers.get("x-middleware-request-x-request-id")).toBe(CLIENT_ID);
    expect(response.headers.get("x-middleware-override-headers")?.split(",")).toContain("x-request-id");
  });

  it("replaces a malformed one with a new GUID, to the app and on the response alike", async () => {
    const response = await get("/signin", { "x-request-id": "<script>alert(1)</script>" });
    const id = response.headers.get("x-request-id")!;
    expect(id).toMatch(GUID);
    expect(response.headers.get("x-middleware-request-x-request-id")).toBe(id);
  });

  it("gives each request without one its own", async () => {
    const [a, b] = await Promise.all([get("/"), get("/")]);
    expect(a.headers.get("x-request-id")).toMatch(GUID);
    expect(a.headers.get("x-request-id")).not.toBe(b.headers.get("x-request-id"));
  });

  it("puts the ID on answers proxy.ts gives itself too (a rate-limited sign-in)", async () => {
    const mark = globalThis as Record<symbol, unknown>;
    mark[PEER_HEADER_MARK] = true;
    const oneAMinute = { points: 1, seconds: 60 };
    setRateLimiter(createRateLimiter(Object.fromEntries(Object.keys(DEFAULT_RATE_LIMITS).map((group) => [group, { perAddress: oneAMinute }])) as Record<RouteGroup, GroupLimits>));
    try {
      const signIn = () => get("/auth/signin", { [PEER_HEADER]: "203.0.113.9", "x-request-id": CLIENT_ID });
      expect((await signIn()).status).not.toBe(429);
      const refused = await signIn();
      expect(refused.status).toBe(429);
      expect(refused.headers.get("x-request-id")).toBe(CLIENT_ID);
    } finally {
      setRateLimiter(null);
      delete mark[PEER_HEADER_MARK];
    }
  });
});
