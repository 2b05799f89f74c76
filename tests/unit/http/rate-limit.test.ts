import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { NextRequest } from "next/server";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import { resetConfigForTests } from "@/lib/config";
import { PEER_HEADER, PEER_HEADER_MARK } from "@/lib/http/client-address";
import {
  classifyRateLimitedRoute,
  CONSENT_STATIC_SEGMENTS,
  createRateLimiter,
  DEFAULT_RATE_LIMITS,
  rateLimitedResponse,
  setRateLimiter,
  type GroupLimits,
  type RouteGroup,
} from "@/lib/http/rate-limit";
import { proxy } from "@/proxy";

const CODE = "Abc123_-Abc123_-Abc123_-Abc";
const OTHER_CODE = "Zyx987_-Zyx987_-Zyx987_-Zyx";

/** Every group limited to `address` per address and `invite` per invite, per minute. */
function smallLimits(address: number, invite: number): Record<RouteGroup, GroupLimits> {
  const limit = (points: number) => ({ points, seconds: 60 });
  return Object.fromEntries(
    Object.entries(DEFAULT_RATE_LIMITS).map(([group, l]) => [group, { perAddress: limit(address), ...(l.perInvite ? { perInvite: limit(invite) } : {}) }]),
  ) as Record<RouteGroup, GroupLimits>;
}

describe("classifyRateLimitedRoute", () => {
  it.each([
    ["GET", "/consent", { group: "consent-page", invite: null, json: false }],
    ["GET", `/consent/${CODE}`, { group: "consent-page", invite: CODE, json: false }],
    ["HEAD", `/consent/${CODE}/`, { group: "consent-page", invite: CODE, json: false }],
    ["POST", `/consent/${CODE}/start`, { group: "consent-start", invite: CODE, json: false }],
    ["GET", `/consent/${CODE}/start`, { group: "consent-start", invite: CODE, json: false }],
    ["POST", "/consent/start", { group: "consent-start", invite: null, json: false }],
    ["GET", "/consent/callback", { group: "consent-return", invite: null, json: false }],
    ["GET", "/consent/signin/callback", { group: "consent-return", invite: null, json: false }],
    ["GET", "/consent/result/0190d4c8-7e6f-7000-8000-000000000000", { group: "consent-page", invite: null, json: false }],
    ["GET", "/auth/signin", { group: "partner-sign-in", invite: null, json: false }],
    ["GET", "/auth/callback", { group: "partner-callback", invite: null, json: false }],
    ["GET", "/api/consent/attempts/0190d4c8-7e6f-7000-8000-000000000000", { group: "attempt-status", invite: null, json: true }],
  ])("%s %s", (method, pathname, expected) => {
    expect(classifyRateLimitedRoute(method, pathname)).toEqual(expected);
  });

  it.each([
    ["GET", "/"],
    ["GET", "/signin"],
    ["GET", "/dashboard"],
    ["GET", "/api/health"],
    ["GET", "/_next/static/chunks/app.js"],
    ["POST", `/consent/${CODE}`],
  ])("leaves %s %s alone", (method, pathname) => {
    expect(classifyRateLimitedRoute(method, pathname)).toBeNull();
  });

  it("knows every static route under app/consent, so none is mistaken for an invite code", () => {
    const children = readdirSync(path.resolve("app/consent"), { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && !entry.name.startsWith("["))
      .map((entry) => entry.name);
    expect(new Set(children)).toEqual(CONSENT_STATIC_SEGMENTS);
  });
});

describe("createRateLimiter", () => {
  const start = { group: "consent-start" as const, invite: null, json: false };

  it("refuses past the limit per address, with the seconds until the window ends", async () => {
    const limiter = createRateLimiter(smallLimits(2, 5));
    expect(await limiter.check(start, "198.51.100.1")).toEqual({ allowed: true });
    expect(await limiter.check(start, "198.51.100.1")).toEqual({ allowed: true });
    const refused = await limiter.check(start, "198.51.100.1");
    expect(refused).toMatchObject({ allowed: false, scope: "address" });
    expect(refused.allowed === false && refused.retryAfterSeconds).toBeGreaterThan(55);
    expect(refused.allowed === false && refused.retryAfterSeconds).toBeLessThanOrEqual(60);
    expect(await limiter.check(start, "198.51.100.2")).toEqual({ allowed: true });
  });

  it("refuses past the limit per invite, whichever address asks, without charging the address", async () => {
    const limiter = createRateLimiter(smallLimits(3, 2));
    const route = { ...start, invite: CODE };
    expect(await limiter.check(route, "198.51.100.1")).toEqual({ allowed: true });
    expect(await limiter.check(route, "198.51.100.2")).toEqual({ allowed: true });
    expect(await limiter.check(route, "198.51.100.3")).toMatchObject({ allowed: false, scope: "invite" });
    expect(await limiter.check({ ...start, invite: OTHER_CODE }, "198.51.100.3")).toEqual({ allowed: true });
    // .3 was charged once (OTHER_CODE), not for the refused request: two more pass, then the address limit.
    expect(await limiter.check({ ...start, invite: OTHER_CODE }, "198.51.100.3")).toEqual({ allowed: true });
    expect(await limiter.check(start, "198.51.100.3")).toEqual({ allowed: true });
    expect(await limiter.check(start, "198.51.100.3")).toMatchObject({ allowed: false, scope: "address" });
  });

  it("counts groups apart, and skips the address limit when the address is unknown", async () => {
    const limiter = createRateLimiter(smallLimits(1, 5));
    expect(await limiter.check(start, "198.51.100.1")).toEqual({ allowed: true });
    expect(await limiter.check({ group: "partner-sign-in", invite: null, json: false }, "198.51.100.1")).toEqual({ allowed: true });
    for (let i = 0; i < 5; i++) expect(await limiter.check(start, null)).toEqual({ allowed: true });
  });
});

describe("rateLimitedResponse", () => {
  it("answers a page with 429, Retry-After and words a person can act on", async () => {
    const response = rateLimitedResponse({ group: "consent-page", invite: CODE, json: false }, { allowed: false, scope: "invite", retryAfterSeconds: 42 });
    expect(response.status).toBe(429);
    expect(response.headers.get("retry-after")).toBe("42");
    expect(response.headers.get("content-type")).toMatch(/^text\/html/);
    const html = await response.text();
    expect(html).toContain("<title>Too many requests · Consentry</title>");
    expect(html).toContain("Wait 42 seconds, then try again.");
  });

  it("answers the API with 429, Retry-After and problem details", async () => {
    const response = rateLimitedResponse({ group: "attempt-status", invite: null, json: true }, { allowed: false, scope: "address", retryAfterSeconds: 1 });
    expect(response.status).toBe(429);
    expect(response.headers.get("retry-after")).toBe("1");
    expect(response.headers.get("content-type")).toBe("application/problem+json");
    expect(await response.json()).toMatchObject({ code: "rate_limited", status: 429, detail: "Too many requests from your network in a short time. Try again in 1 second." });
  });
});

describe("proxy rate limiting", () => {
  let dataDir: string;
  const mark = globalThis as Record<symbol, unknown>;

  beforeEach(() => {
    dataDir = mkdtempSync(path.join(tmpdir(), "consentry-rate-limit-"));
    vi.stubEnv("DATA_DIR", dataDir);
    vi.stubEnv("TRUSTED_PROXIES", "");
    resetConfigForTests();
    mark[PEER_HEADER_MARK] = true;
    setRateLimiter(createRateLimiter(smallLimits(3, 10)));
  });

  afterEach(() => {
    setRateLimiter(null);
    delete mark[PEER_HEADER_MARK];
    vi.unstubAllEnvs();
    resetConfigForTests();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const signIn = (peer: string, forwardedFor: string) =>
    proxy(new NextRequest("http://portal.test/auth/signin", { headers: { [PEER_HEADER]: peer, "x-forwarded-for": forwardedFor } }));

  it("answers 429 with Retry-After and the security headers once an address is over its limit", async () => {
    for (let i = 0; i < 3; i++) expect((await signIn("203.0.113.9", "198.51.100.1")).status).not.toBe(429);
    const refused = await signIn("203.0.113.9", "198.51.100.1");
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(refused.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
    expect(refused.headers.get("x-content-type-options")).toBe("nosniff");
  });

  it("cannot be dodged with a new X-Forwarded-For per request from an untrusted peer", async () => {
    for (let i = 0; i < 3; i++) await signIn("203.0.113.9", `198.51.100.${i}`);
    expect((await signIn("203.0.113.9", "198.51.100.200")).status).toBe(429);
    expect((await signIn("203.0.113.10", "198.51.100.1")).status).not.toBe(429);
  });
});
