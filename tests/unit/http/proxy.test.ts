import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { NextRequest } from "next/server";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import { resetConfigForTests } from "@/lib/config";
import { PEER_HEADER, PEER_HEADER_MARK } from "@/lib/http/client-address";
import { createRateLimiter, DEFAULT_RATE_LIMITS, setRateLimiter, type GroupLimits, type RouteGroup } from "@/lib/http/rate-limit";
import { sealPartnerSession, SESSION_COOKIE } from "@/lib/session/partner-session";
import { proxy } from "@/proxy";

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const CLIENT_ID = "6f1d2c3b-4a59-4e8d-9c7b-0a1b2c3d4e5f";

describe("proxy", () => {
  let dataDir: string;

  beforeEach(() => {
    dataDir = mkdtempSync(path.join(tmpdir(), "consentry-proxy-"));
    vi.stubEnv("DATA_DIR", dataDir);
    vi.stubEnv("PUBLIC_BASE_URL", "https://consentry.example.com");
    vi.stubEnv("SANDBOX_LOGIN_HOST", "http://127.0.0.1:3101");
    vi.stubEnv("LOG_LEVEL", "silent");
    resetConfigForTests();
    vi.spyOn(console, "warn").mockImplementation(() => {});
  });

  afterEach(() => {
    vi.unstubAllEnvs();
    resetConfigForTests();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const get = (url: string, headers: Record<string, string> = {}) => proxy(new NextRequest(`https://consentry.example.com${url}`, { headers }));

  it("hands Next this response's nonce in the request's CSP, the way Next reads it", async () => {
    const response = await get("/");
    const csp = response.headers.get("content-security-policy")!;
    const nonce = /'nonce-([^']+)'/.exec(csp)![1];
    // NextResponse.next({ request: { headers } }) passes overridden request headers this way.
    expect(response.headers.get("x-middleware-request-content-security-policy")).toBe(csp);
    expect(response.headers.get("x-middleware-request-x-nonce")).toBe(nonce);
    expect(nonce).not.toBe(/'nonce-([^']+)'/.exec((await get("/")).headers.get("content-security-policy")!)![1]);
  });

  it("sends HSTS and lets forms go to the cloud's sign-in host", async () => {
    const response = await get("/signin");
    expect(response.headers.get("strict-transport-security")).toBe("max-age=31536000; includeSubDomains");
    expect(response.headers.get("content-security-policy")).toContain("form-action 'self' http://127.0.0.1:3101;");
    expect(response.headers.get("referrer-policy")).toBe("strict-origin-when-cross-origin");
  });

  it("tells dashboard pages their path, and drops a client's claim elsewhere", async () => {
    const dashboard = await get("/dashboard/tenants/x?tab=runs");
    expect(dashboard.headers.get("x-middleware-request-x-consentry-path")).toBe("/dashboard/tenants/x?tab=runs");
    const elsewhere = await get("/signin", { "x-consentry-path": "/evil" });
    expect(elsewhere.headers.get("x-middleware-request-x-consentry-path")).toBeNull();
    // The override list is the whole set of request headers Next passes on: a header missing from it is dropped.
    expect(elsewhere.headers.get("x-middleware-override-headers")?.split(",")).not.toContain("x-consentry-path");
    expect(elsewhere.headers.get("x-middleware-override-headers")?.split(",")).toContain("x-nonce");
  });

  it("counts a dashboard request as activity (re-sealed session), but not an API poll or a prefetch", async () => {
    const now = Date.now();
    const partner = { oid: "o", tenantId: "t", username: "alice@contoso.example", name: "Alice", role: "admin" as const, signedInAt: now - 10 * 60_000, lastSeenAt: now - 5 * 60_000, sessionVersion: 1 };
    const cookie = `${SESSION_COOKIE}=${(await sealPartnerSession(partner, now)).value}`;
    const dashboard = await get("/dashboard", { cookie });
    expect(dashboard.headers.get("set-cookie")).toMatch(new RegExp(`^${SESSION_COOKIE}=`));
    expect((await get("/api/bulk-runs/x", { cookie })).headers.get("set-cookie")).toBeNull();
    expect((await get("/dashboard", { cookie, "next-router-prefetch": "1" })).headers.get("set-cookie")).toBeNull();
  });

  describe("x-request-id", () => {
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
});
