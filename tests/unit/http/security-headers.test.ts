import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";

import { PROBLEM_PAGE_HEADERS, PROBLEM_PAGE_STYLE_HASH, renderProblemHtml } from "@/lib/consent/problem-page";
import { problem } from "@/lib/consent/problems";
import { buildSecurityHeaders, createNonce, referrerPolicyFor, type SecurityHeaderOptions } from "@/lib/http/security-headers";

const base: SecurityHeaderOptions = {
  pathname: "/",
  nonce: "bm9uY2Utbm9uY2Utbm9uY2U=",
  https: false,
  dev: false,
  formTargets: ["https://login.microsoftonline.com"],
  styleHashes: [PROBLEM_PAGE_STYLE_HASH],
};

/** The CSP as directive → sources. */
function directives(csp: string): Map<string, string[]> {
  return new Map(csp.split(";").map((d) => d.trim().split(/\s+/)).map(([name, ...sources]) => [name!, sources]));
}

describe("buildSecurityHeaders", () => {
  it("lets scripts run only with this response's nonce", () => {
    const csp = directives(buildSecurityHeaders(base)["content-security-policy"]!);
    expect(csp.get("script-src")).toEqual(["'self'", `'nonce-${base.nonce}'`, "'strict-dynamic'"]);
    expect(csp.get("style-src")).toContain(`'nonce-${base.nonce}'`);
    expect(csp.get("style-src")).not.toContain("'unsafe-inline'");
    expect(csp.get("object-src")).toEqual(["'none'"]);
    expect(csp.get("base-uri")).toEqual(["'none'"]);
  });

  it("forbids framing twice over and sniffing", () => {
    const headers = buildSecurityHeaders(base);
    expect(directives(headers["content-security-policy"]!).get("frame-ancestors")).toEqual(["'none'"]);
    expect(headers["x-frame-options"]).toBe("DENY");
    expect(headers["x-content-type-options"]).toBe("nosniff");
  });

  it("lets forms reach Microsoft's sign-in host, where start and sign-in redirect", () => {
    expect(directives(buildSecurityHeaders(base)["content-security-policy"]!).get("form-action")).toEqual(["'self'", "https://login.microsoftonline.com"]);
  });

  it("sends HSTS and upgrades requests only when the public URL is https", () => {
    const plain = buildSecurityHeaders(base);
    expect(plain["strict-transport-security"]).toBeUndefined();
    expect(directives(plain["content-security-policy"]!).has("upgrade-insecure-requests")).toBe(false);
    const secure = buildSecurityHeaders({ ...base, https: true });
    expect(secure["strict-transport-security"]).toBe("max-age=31536000; includeSubDomains");
    expect(directives(secure["content-security-policy"]!).has("upgrade-insecure-requests")).toBe(true);
  });

  it("allows eval and inline styles only in development", () => {
    const csp = directives(buildSecurityHeaders({ ...base, dev: true })["content-security-policy"]!);
    expect(csp.get("script-src")).toContain("'unsafe-eval'");
    expect(csp.get("style-src")).toEqual(["'self'", "'unsafe-inline'"]);
    expect(directives(buildSecurityHeaders(base)["content-security-policy"]!).get("script-src")).not.toContain("'unsafe-eval'");
  });
});

describe("referrerPolicyFor", () => {
  it.each([
    ["/consent/Abc123_-Abc123_-Abc123_-Abc", "no-referrer"],
    ["/consent/Abc123_-Abc123_-Abc123_-Abc/start", "no-referrer"],
    ["/consent/callback", "no-referrer"],
    ["/consent/signin/callback", "no-referrer"],
    ["/consent/result/0190d4c8-7e6f-7000-8000-000000000000", "no-referrer"],
    ["/auth/callback", "no-referrer"],
    ["/api/consent/attempts/0190d4c8-7e6f-7000-8000-000000000000", "no-referrer"],
    ["/", "strict-origin-when-cross-origin"],
    ["/consent", "strict-origin-when-cross-origin"],
    ["/signin", "strict-origin-when-cross-origin"],
    ["/auth/signin", "strict-origin-when-cross-origin"],
    ["/dashboard/invites", "strict-origin-when-cross-origin"],
    ["/auth/callbackish", "strict-origin-when-cross-origin"],
  ])("%s → %s", (pathname, expected) => {
    expect(referrerPolicyFor(pathname)).toBe(expected);
    expect(buildSecurityHeaders({ ...base, pathname })["referrer-policy"]).toBe(expected);
  });
});

describe("createNonce", () => {
  it("is 128 random bits in base64, new every time", () => {
    const nonces = new Set(Array.from({ length: 100 }, () => createNonce()));
    expect(nonces.size).toBe(100);
    for (const nonce of nonces) expect(Buffer.from(nonce, "base64")).toHaveLength(16);
  });
});

describe("the raw problem page under the CSP", () => {
  it("has its inline style allowed by hash, so it renders styled without 'unsafe-inline'", () => {
    const html = renderProblemHtml(problem("invite_expired"));
    const style = /<style>([\s\S]*?)<\/style>/.exec(html)?.[1];
    expect(style).toBeDefined();
    const hash = `'sha256-${createHash("sha256").update(style!, "utf8").digest("base64")}'`;
    expect(PROBLEM_PAGE_STYLE_HASH).toBe(hash);
    expect(directives(buildSecurityHeaders(base)["content-security-policy"]!).get("style-src")).toContain(hash);
    expect(directives(PROBLEM_PAGE_HEADERS["content-security-policy"]!).get("style-src")).toEqual([hash]);
  });

  it("carries the same framing, sniffing and referrer rules when no proxy adds them", () => {
    expect(PROBLEM_PAGE_HEADERS["x-frame-options"]).toBe("DENY");
    expect(PROBLEM_PAGE_HEADERS["x-content-type-options"]).toBe("nosniff");
    expect(PROBLEM_PAGE_HEADERS["referrer-policy"]).toBe("no-referrer");
    expect(directives(PROBLEM_PAGE_HEADERS["content-security-policy"]!).get("frame-ancestors")).toEqual(["'none'"]);
    expect(PROBLEM_PAGE_HEADERS["content-security-policy"]).not.toContain("unsafe-inline");
  });
});
