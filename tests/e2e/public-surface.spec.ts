import { randomBytes, randomUUID } from "node:crypto";
import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import AxeBuilder from "@axe-core/playwright";
import { expect, request as newRequestContext, test, type APIRequestContext, type APIResponse, type Page } from "@playwright/test";

import { createInvite, PARTNER_STATE, portalDatabase, signIn, TENANTS } from "./support";

type ReferrerPolicy = "no-referrer" | "strict-origin-when-cross-origin";
interface RouteCase {
  /** The file under app/ that serves it. */
  file: string;
  /** `{code}` is a live invite code, `{uuid}` a random ID. */
  path: string;
  /** Partner routes are also requested with a signed-in partner's cookies. */
  partner?: boolean;
  referrer: ReferrerPolicy;
}

const NO_REFERRER: ReferrerPolicy = "no-referrer";
const STRICT: ReferrerPolicy = "strict-origin-when-cross-origin";

/** Every page and route handler of the portal; the first test fails when one is missing here. */
const ROUTES: RouteCase[] = [
  { file: "app/page.tsx", path: "/", referrer: STRICT },
  { file: "app/signin/page.tsx", path: "/signin", referrer: STRICT },
  { file: "app/consent/page.tsx", path: "/consent", referrer: STRICT },
  { file: "app/consent/[code]/page.tsx", path: "/consent/{code}", referrer: NO_REFERRER },
  { file: "app/consent/[code]/start/route.ts", path: "/consent/{code}/start", referrer: NO_REFERRER },
  { file: "app/consent/start/route.ts", path: "/consent/start", referrer: NO_REFERRER },
  { file: "app/consent/callback/route.ts", path: "/consent/callback", referrer: NO_REFERRER },
  { file: "app/consent/signin/callback/route.ts", path: "/consent/signin/callback", referrer: NO_REFERRER },
  { file: "app/consent/result/[attemptId]/page.tsx", path: "/consent/result/{uuid}", referrer: NO_REFERRER },
  { file: "app/auth/signin/route.ts", path: "/auth/signin", referrer: STRICT },
  { file: "app/auth/callback/route.ts", path: "/auth/callback", referrer: NO_REFERRER },
  { file: "app/auth/signout/route.ts", path: "/auth/signout", referrer: STRICT },
  { file: "app/auth/forbidden/route.ts", path: "/auth/forbidden", referrer: STRICT },
  { file: "app/api/health/route.ts", path: "/api/health", referrer: STRICT },
  { file: "app/api/health/ready/route.ts", path: "/api/health/ready", referrer: STRICT },
  { file: "app/api/consent/attempts/[id]/route.ts", path: "/api/consent/attempts/{uuid}", referrer: NO_REFERRER },
  { file: "app/api/bulk-runs/[id]/route.ts", path: "/api/bulk-runs/{uuid}", partner: true, referrer: STRICT },
  { file: "app/api/openapi.json/route.ts", path: "/api/openapi.json", referrer: STRICT },
  { file: "app/api/v1/tenants/route.ts", path: "/api/v1/tenants", partner: true, referrer: STRICT },
  { file: "app/api/v1/tenants/[id]/route.ts", path: "/api/v1/tenants/{uuid}", partner: true, referrer: STRICT },
  { file: "app/api/v1/tenants.csv/route.ts", path: "/api/v1/tenants.csv", partner: true, referrer: STRICT },
  { file: "app/api/v1/tenants/[id]/probe-runs/route.ts", path: "/api/v1/tenants/{uuid}/probe-runs", partner: true, referrer: STRICT },
  { file: "app/api/v1/probe-runs/[id]/route.ts", path: "/api/v1/probe-runs/{uuid}", partner: true, referrer: STRICT },
  { file: "app/api/v1/bulk-runs/route.ts", path: "/api/v1/bulk-runs", partner: true, referrer: STRICT },
  { file: "app/api/v1/bulk-runs/[id]/route.ts", path: "/api/v1/bulk-runs/{uuid}", partner: true, referrer: STRICT },
  { file: "app/api/v1/bulk-runs/[id]/failing-tenants/route.ts", path: "/api/v1/bulk-runs/{uuid}/failing-tenants", partner: true, referrer: STRICT },
  { file: "app/api/v1/invites/route.ts", path: "/api/v1/invites", partner: true, referrer: STRICT },
  { file: "app/api/v1/invites/[id]/revoke/route.ts", path: "/api/v1/invites/{uuid}/revoke", partner: true, referrer: STRICT },
  { file: "app/api/v1/audit/route.ts", path: "/api/v1/audit", partner: true, referrer: STRICT },
  { file: "app/api/v1/schedule/route.ts", path: "/api/v1/schedule", partner: true, referrer: STRICT },
  { file: "app/api/v1/webhooks/route.ts", path: "/api/v1/webhooks", partner: true, referrer: STRICT },
  { file: "app/api/v1/webhooks/[id]/route.ts", path: "/api/v1/webhooks/{uuid}", partner: true, referrer: STRICT },
  { file: "app/api/v1/webhooks/[id]/deliveries/route.ts", path: "/api/v1/webhooks/{uuid}/deliveries", partner: true, referrer: STRICT },
  { file: "app/api/v1/webhooks/[id]/ping/route.ts", path: "/api/v1/webhooks/{uuid}/ping", partner: true, referrer: STRICT },
  { file: "app/api/v1/webhooks/deliveries/[id]/redeliver/route.ts", path: "/api/v1/webhooks/deliveries/{uuid}/redeliver", partner: true, referrer: STRICT },
  { file: "app/dashboard/page.tsx", path: "/dashboard", partner: true, referrer: STRICT },
  { file: "app/dashboard/audit/page.tsx", path: "/dashboard/audit", partner: true, referrer: STRICT },
  { file: "app/dashboard/explain/page.tsx", path: "/dashboard/explain", partner: true, referrer: STRICT },
  { file: "app/dashboard/invites/page.tsx", path: "/dashboard/invites", partner: true, referrer: STRICT },
  { file: "app/dashboard/settings/page.tsx", path: "/dashboard/settings", partner: true, referrer: STRICT },
  { file: "app/dashboard/settings/schedule/page.tsx", path: "/dashboard/settings/schedule", partner: true, referrer: STRICT },
  { file: "app/dashboard/settings/webhooks/page.tsx", path: "/dashboard/settings/webhooks", partner: true, referrer: STRICT },
  { file: "app/dashboard/campaigns/page.tsx", path: "/dashboard/campaigns", partner: true, referrer: STRICT },
  { file: "app/dashboard/campaigns/[id]/page.tsx", path: "/dashboard/campaigns/{uuid}", partner: true, referrer: STRICT },
  { file: "app/dashboard/bulk/[id]/page.tsx", path: "/dashboard/bulk/{uuid}", partner: true, referrer: STRICT },
  { file: "app/dashboard/tenants/[id]/page.tsx", path: `/dashboard/tenants/${TENANTS.fabrikam}`, partner: true, referrer: STRICT },
];

function routeFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return routeFiles(full);
    return /^(page\.tsx|route\.ts)$/.test(entry.name) ? [full.split(path.sep).join("/")] : [];
  });
}

/** A code of the right shape that no invite has. */
function unusedInviteCode(): string {
  return randomBytes(20).toString("base64url");
}

/** Checks the headers every response must carry, and returns the CSP nonce. */
function expectSecurityHeaders(response: APIResponse, referrer: ReferrerPolicy, what: string): string {
  const headers = response.headers();
  const csp = headers["content-security-policy"] ?? "";
  expect(csp, `${what}: CSP`).toMatch(/(^|; )frame-ancestors 'none'(;|$)/);
  expect(csp, `${what}: CSP scripts`).toMatch(/(^|; )script-src 'self' 'nonce-[A-Za-z0-9+/]{22}==' 'strict-dynamic'(;|$)/);
  expect(csp, `${what}: CSP objects`).toContain("object-src 'none'");
  expect(csp, `${what}: no inline script`).not.toMatch(/script-src[^;]*'unsafe-inline'/);
  expect(headers["x-frame-options"], `${what}: X-Frame-Options`).toBe("DENY");
  expect(headers["x-content-type-options"], `${what}: nosniff`).toBe("nosniff");
  expect(headers["referrer-policy"], `${what}: Referrer-Policy`).toBe(referrer);
  // The e2e portal's PUBLIC_BASE_URL is http, where HSTS must not be sent (unit tests cover https).
  expect(headers["strict-transport-security"], `${what}: HSTS`).toBeUndefined();
  return /'nonce-([^']+)'/.exec(csp)![1]!;
}

/** Every <script> of a rendered page carries this response's nonce. */
async function expectScriptsNonced(response: APIResponse, nonce: string, what: string): Promise<void> {
  if (response.status() !== 200 || !response.headers()["content-type"]?.startsWith("text/html")) return;
  const scripts = (await response.text()).match(/<script\b[^>]*>/g) ?? [];
  for (const tag of scripts) expect(tag, `${what}: script without this response's nonce`).toContain(`nonce="${nonce}"`);
}

/** Fails the test on any CSP violation the browser reports, and proves Next's scripts ran. */
function watchCsp(page: Page): { violations: string[] } {
  const seen = { violations: [] as string[] };
  page.on("console", (message) => {
    if (/Content Security Policy|Refused to (load|execute|apply)/i.test(message.text())) seen.violations.push(message.text());
  });
  return seen;
}

test.describe("public surface", () => {
  let code: string;

  test.beforeAll(async ({ browser }) => {
    const context = await browser.newContext({ storageState: PARTNER_STATE });
    const link = await createInvite(await context.newPage(), `Headers ${randomUUID().slice(0, 8)}`);
    code = link.split("/consent/")[1]!;
    await context.close();
  });

  test("the route table names every page and route handler in app/", () => {
    const listed = new Set(ROUTES.map((r) => r.file));
    const missing = routeFiles("app").filter((file) => !listed.has(file));
    expect(missing, "add these routes to ROUTES in tests/e2e/public-surface.spec.ts").toEqual([]);
  });

  test("every route answers with the security headers, pages with nonced scripts", async ({ baseURL }) => {
    const anonymous = await newRequestContext.newContext({ baseURL, maxRedirects: 0 });
    const partner = await newRequestContext.newContext({ baseURL, maxRedirects: 0, storageState: PARTNER_STATE });
    const check = async (context: APIRequestContext, url: string, referrer: ReferrerPolicy, who: string) => {
      const response = await context.get(url);
      const what = `GET ${url} as ${who} (${response.status()})`;
      expect(response.status(), what).toBeLessThan(500);
      const nonce = expectSecurityHeaders(response, referrer, what);
      await expectScriptsNonced(response, nonce, what);
      return response;
    };

    let checked = 0;
    for (const route of ROUTES) {
      if (!existsSync(route.file)) continue; // named ahead of a route still being written
      const url = route.path.replace("{code}", code).replace("{uuid}", randomUUID());
      await check(anonymous, url, route.referrer, "anonymous");
      if (route.partner) await check(partner, url, route.referrer, "partner");
      checked++;
    }
    expect(checked).toBeGreaterThanOrEqual(20);

    // Next's own answers: an unknown path, slash redirects, and a static file of the build.
    await check(anonymous, "/no-such-page", STRICT, "anonymous");
    // Next redirects "/consent/" before the proxy runs: our server's baseline covers it.
    for (const url of ["/consent/", "//consent"]) {
      const redirect = await anonymous.get(`${baseURL}${url}`); // absolute: "//consent" alone would name a host
      expect(redirect.status(), url).toBe(308);
      expect(redirect.headers()["location"], url).toBe("/consent");
      expect(redirect.headers()["content-security-policy"], url).toContain("frame-ancestors 'none'");
      expect(redirect.headers()["x-frame-options"], url).toBe("DENY");
      expect(redirect.headers()["x-content-type-options"], url).toBe("nosniff");
      expect(redirect.headers()["referrer-policy"], url).toBe("no-referrer");
    }
    const home = await (await anonymous.get("/")).text();
    const stylesheet = /href="(\/_next\/static\/[^"]+\.css)"/.exec(home)?.[1];
    expect(stylesheet, "the home page links its stylesheet").toBeDefined();
    const asset = await check(anonymous, stylesheet!, STRICT, "anonymous");
    expect(asset.status()).toBe(200);

    await anonymous.dispose();
    await partner.dispose();
  });

  test("pages run Next's scripts under the CSP, and the raw problem page keeps its style", async ({ browser }) => {
    const context = await browser.newContext({ storageState: PARTNER_STATE });
    const page = await context.newPage();
    const csp = watchCsp(page);
    for (const url of ["/", `/consent/${code}`, "/signin", "/dashboard", "/dashboard/invites", "/no-such-page"]) {
      await page.goto(url);
      await page.waitForFunction(() => typeof (window as { next?: { version?: string } }).next?.version === "string");
    }
    const problem = await page.goto("/consent/callback");
    expect(problem?.status()).toBe(400);
    // The inline <style> applies (allowed by its hash): the body's background is slate-50.
    await expect(page.locator("body")).toHaveCSS("background-color", "rgb(248, 250, 252)");
    expect(csp.violations).toEqual([]);
    await context.close();
  });

  test("unknown, expired and revoked invite links answer 404, 410, 410 with a page titled for what happened", async ({ browser, request }) => {
    const partner = await browser.newContext({ storageState: PARTNER_STATE });
    const partnerPage = await partner.newPage();
    const suffix = randomUUID().slice(0, 8);
    const expiredLink = await createInvite(partnerPage, `Expired ${suffix}`);
    const revokedLink = await createInvite(partnerPage, `Revoked ${suffix}`);
    await partner.close();
    const db = portalDatabase();
    try {
      db.prepare("UPDATE invites SET expires_at = ? WHERE customer_name = ?").run("2001-01-01T00:00:00.000Z", `Expired ${suffix}`);
      db.prepare("UPDATE invites SET revoked_at = ?, revoked_by = ? WHERE customer_name = ?").run(new Date().toISOString(), "e2e", `Revoked ${suffix}`);
    } finally {
      db.close();
    }

    const cases = [
      { url: `/consent/${unusedInviteCode()}`, status: 404, title: "This invite link is not valid" },
      { url: "/consent/not-a-code", status: 404, title: "This invite link is not valid" },
      { url: new URL(expiredLink).pathname, status: 410, title: "This invite link has expired" },
      { url: new URL(revokedLink).pathname, status: 410, title: "This invite link was withdrawn" },
    ];
    for (const c of cases) {
      const response = await request.get(c.url);
      expect(response.status(), c.url).toBe(c.status);
      expect(response.headers()["referrer-policy"]).toBe("no-referrer");
      const html = await response.text();
      expect(html).toContain(`<title>${c.title} · Consentry</title>`);
      expect(html).not.toContain("Grant consent");
      expect(html).not.toContain("Continue to Microsoft");
    }

    // Without JavaScript, as an admin's locked-down browser might be.
    const noScript = await browser.newContext({ javaScriptEnabled: false });
    const page = await noScript.newPage();
    const response = await page.goto(new URL(revokedLink).pathname);
    expect(response?.status()).toBe(410);
    await expect(page).toHaveTitle("This invite link was withdrawn · Consentry");
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("This invite link was withdrawn");
    const live = await page.goto(`/consent/${code}`);
    expect(live?.status()).toBe(200);
    await expect(page.getByRole("button", { name: "Continue to Microsoft to grant consent" })).toBeVisible();
    await noScript.close();
  });

  test("an unknown page is branded and leads home", async ({ page }) => {
    const response = await page.goto("/no-such-page");
    expect(response?.status()).toBe(404);
    await expect(page).toHaveTitle("Page not found · Consentry");
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("This page does not exist");
    await expect(page.getByRole("main").getByText("Consentry", { exact: true })).toBeVisible();
    await page.getByRole("link", { name: "Go to the home page" }).click();
    await expect(page).toHaveURL(/\/$/);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText(/Onboard customer tenants/);
  });

  test("the consent page and the public problem pages pass axe's colour-contrast rule", async ({ page }) => {
    await page.goto(`/consent/${code}`);
    await page.getByText("Not an administrator?").click(); // the forwarding hint is small print
    await expect(page.getByTestId("forward-link")).toBeVisible();
    for (const url of [null, "/no-such-page", `/consent/${unusedInviteCode()}`]) {
      if (url) await page.goto(url);
      const results = await new AxeBuilder({ page }).withRules(["color-contrast"]).analyze();
      const failures = results.violations.flatMap((v) => v.nodes.map((n) => `${n.target.join(" ")}: ${n.failureSummary}`));
      expect(failures, `colour contrast on ${url ?? "the consent page"}`).toEqual([]);
      expect(results.passes.length + results.incomplete.length, "axe looked at the page").toBeGreaterThan(0);
    }
  });

  test("the audit log records the connection's address, not a spoofed X-Forwarded-For", async ({ browser }) => {
    const context = await browser.newContext({ extraHTTPHeaders: { "X-Forwarded-For": "203.0.113.66", "X-Consentry-Peer": "198.51.100.66" } });
    const page = await context.newPage();
    const before = new Date().toISOString();
    await signIn(page, "Alice Partner");
    await expect(page).toHaveURL(/\/dashboard$/);
    await context.close();
    const db = portalDatabase();
    try {
      const rows = db.prepare("SELECT ip FROM audit_log WHERE action = 'partner.signed_in' AND at >= ?").all(before) as { ip: string | null }[];
      expect(rows.map((r) => r.ip)).toEqual(["127.0.0.1"]);
    } finally {
      db.close();
    }
  });

  // Last: it spends a third of this address's start budget for the minute.
  test("starting one invite over and over is refused with 429 and Retry-After", async ({ request, baseURL }) => {
    const target = `/consent/${unusedInviteCode()}/start`;
    for (let i = 0; i < 10; i++) {
      const response = await request.post(target, { headers: { origin: baseURL! }, maxRedirects: 0 });
      expect(response.status(), `start #${i + 1}`).not.toBe(429);
    }
    const refused = await request.post(target, { headers: { origin: baseURL! }, maxRedirects: 0 });
    expect(refused.status()).toBe(429);
    const retryAfter = Number(refused.headers()["retry-after"]);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(await refused.text()).toContain("<title>Too many requests · Consentry</title>");
    expectSecurityHeaders(refused, NO_REFERRER, "429");
  });
});
