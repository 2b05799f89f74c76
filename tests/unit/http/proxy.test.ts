import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { NextRequest } from "next/server";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import { resetConfigForTests } from "@/lib/config";
import { sealPartnerSession, SESSION_COOKIE } from "@/lib/session/partner-session";
import { proxy } from "@/proxy";

describe("proxy", () => {
  let dataDir: string;

  beforeEach(() => {
    dataDir = mkdtempSync(path.join(tmpdir(), "consentry-proxy-"));
    vi.stubEnv("DATA_DIR", dataDir);
    vi.stubEnv("PUBLIC_BASE_URL", "https://consentry.example.com");
    vi.stubEnv("SANDBOX_LOGIN_HOST", "http://127.0.0.1:3101");
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
});
