import { expect, test, type Page } from "@playwright/test";

import { PARTNER_STATE, portalDatabase, portalUrl, serverActionField, signInFresh } from "./support";

// Partner staff roles against the sandbox, whose partner tenant assigns the app's roles:
// Alice Consentry.Admin, Bob Consentry.Operator, Rita Consentry.Reader, Nora none.
// Serial: Bob adds the tenant that Rita then looks at, and "sign everyone out" runs last.
test.describe.configure({ mode: "serial" });

const TREY = "9a3c5d8e-1f0b-4acd-8d4e-8b9c0d1e2f08";

function count(sql: string, ...params: unknown[]): number {
  const db = portalDatabase();
  try {
    return (db.prepare(sql).get(...params) as { n: number }).n;
  } finally {
    db.close();
  }
}

async function expectRole(page: Page, name: string, role: string) {
  await expect(page).toHaveURL(/\/dashboard$/);
  await expect(page.getByTestId("signed-in-as")).toContainText(name);
  await expect(page.getByTestId("signed-in-role")).toHaveText(role);
}

test("an operator adds a tenant and runs its probes, but cannot open the settings page", async ({ browser }) => {
  const page = await signInFresh(browser, "Bob Partner");
  await expectRole(page, "Bob Partner", "Operator");
  await expect(page.getByRole("navigation", { name: "Dashboard" }).getByRole("link", { name: "Settings" })).toHaveCount(0);

  await page.getByText("Add a tenant that already consented").click();
  await page.getByLabel("Tenant ID").fill(TREY);
  await page.getByRole("button", { name: "Check and add" }).click();
  await expect(page).toHaveURL(new RegExp(`/dashboard/tenants/${TREY}$`), { timeout: 30_000 });
  await page.getByRole("button", { name: "Run probes now" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Probes ran" })).toBeVisible({ timeout: 30_000 });

  const response = await page.goto("/dashboard/settings");
  expect(response?.status()).toBe(403);
  await expect(page.getByRole("heading", { name: "This page needs the Admin role" })).toBeVisible();
  await expect(page.getByText("/dashboard/settings needs the Admin role (app role Consentry.Admin)")).toBeVisible();
  await expect(page.getByText("with the Operator role")).toBeVisible();
});

test("a reader sees tenants but no button that changes anything, and a forged server action is refused", async ({ browser }) => {
  const page = await signInFresh(browser, "Rita Reader");
  await expectRole(page, "Rita Reader", "Reader");
  await expect(page.getByTestId("tenants").locator(`[data-tenant="${TREY}"]`)).toBeVisible();
  await expect(page.getByRole("button", { name: "Test all tenants" })).toHaveCount(0);
  await expect(page.getByRole("link", { name: "Invite a customer" })).toHaveCount(0);
  await expect(page.getByText("Add a tenant that already consented")).toHaveCount(0);

  await page.goto(`/dashboard/tenants/${TREY}`);
  await expect(page.getByRole("heading", { name: "Checks" })).toBeVisible();
  await expect(page.getByRole("button", { name: "Run probes now" })).toHaveCount(0);
  await expect(page.getByRole("button", { name: /Run 20 times/ })).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Copy re-consent link" })).toHaveCount(0);
  await expect(page.getByLabel("Test mailbox")).toHaveCount(0);

  await page.goto("/dashboard/invites");
  await expect(page.getByTestId("invites")).toBeVisible();
  await expect(page.getByLabel("Customer name")).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Create invite" })).toHaveCount(0);
  await expect(page.getByText("needs the Operator role")).toBeVisible();

  // Forge "Test all tenants": take the action's ID from an admin's page and post it as Rita.
  const admin = await (await browser.newContext({ storageState: PARTNER_STATE })).newPage();
  await admin.goto("/dashboard");
  const field = await serverActionField(admin.locator("form").filter({ has: admin.getByRole("button", { name: "Test all tenants" }) }));
  const runsBefore = count("select count(*) as n from bulk_runs");
  const deniedBefore = count("select count(*) as n from audit_log where action = 'partner.forbidden' and actor = ?", "rita@contoso-partners.example");
  const forged = await page.request.post("/dashboard", { multipart: { [field]: "" }, headers: { origin: portalUrl() }, maxRedirects: 0 });
  expect(forged.status()).toBeGreaterThanOrEqual(400);
  expect(count("select count(*) as n from bulk_runs")).toBe(runsBefore);
  expect(count("select count(*) as n from audit_log where action = 'partner.forbidden' and actor = ?", "rita@contoso-partners.example")).toBe(deniedBefore + 1);

  // The same request from an operator starts a run, so the refusal above is the role's doing.
  const bob = await signInFresh(browser, "Bob Partner");
  const allowed = await bob.request.post("/dashboard", { multipart: { [field]: "" }, headers: { origin: portalUrl() }, maxRedirects: 0 });
  expect(allowed.status()).toBe(303);
  expect(allowed.headers()["location"]).toMatch(/\/dashboard\/bulk\/[0-9a-f-]{36}$/);
  expect(count("select count(*) as n from bulk_runs")).toBe(runsBefore + 1);
});

test("a partner-tenant user without a role is refused with the role to ask for and how it is assigned", async ({ browser }) => {
  const page = await signInFresh(browser, "Nora NoRole");
  await expect(page.getByRole("heading", { name: "Ask for a Consentry role first" })).toBeVisible();
  const main = page.locator("main");
  await expect(main).toContainText("nora@contoso-partners.example");
  await expect(main).toContainText("Consentry.Reader");
  await expect(main).toContainText("Enterprise applications");
  await expect(main).toContainText("Users and groups → Add user/group");
  expect(count("select count(*) as n from audit_log where action = 'partner.sign_in_refused_no_role' and actor = ?", "nora@contoso-partners.example")).toBeGreaterThan(0);
  await page.goto("/dashboard");
  await expect(page).toHaveURL(/\/signin\?returnTo=%2Fdashboard/);
});

test("the nav marks the page you are on and shows your role", async ({ browser }) => {
  const page = await (await browser.newContext({ storageState: PARTNER_STATE })).newPage();
  const nav = page.getByRole("navigation", { name: "Dashboard" });
  await page.goto("/dashboard/invites");
  await expect(nav.getByRole("link", { name: "Invites" })).toHaveAttribute("aria-current", "page");
  await expect(nav.getByRole("link", { name: "Tenants" })).not.toHaveAttribute("aria-current", /.*/);
  await expect(page.getByTestId("signed-in-role")).toHaveText("Admin");
  await nav.getByRole("link", { name: "Audit log" }).click();
  await expect(nav.getByRole("link", { name: "Audit log" })).toHaveAttribute("aria-current", "page");
  await expect(nav.getByRole("link", { name: "Invites" })).not.toHaveAttribute("aria-current", /.*/);
  await page.goto(`/dashboard/tenants/${TREY}`);
  await expect(nav.getByRole("link", { name: "Tenants" })).toHaveAttribute("aria-current", "true");
});

test("sign-out is a POST from the portal's own page; a GET does nothing", async ({ browser }) => {
  const page = await signInFresh(browser, "Bob Partner");
  expect((await page.request.get("/auth/signout", { maxRedirects: 0 })).status()).toBe(405);
  await page.goto("/dashboard");
  await expect(page.getByTestId("signed-in-as")).toContainText("Bob Partner");
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page.getByRole("status")).toHaveText("You are signed out.");
  await page.goto("/dashboard/audit");
  await expect(page).toHaveURL(/\/signin\?returnTo=%2Fdashboard%2Faudit/);
});

test("a cross-site POST to sign-out is refused with 403 and the session is kept", async ({ browser }) => {
  const page = await signInFresh(browser, "Bob Partner");
  await expectRole(page, "Bob Partner", "Operator");
  // Another site whose page posts a form to the portal's sign-out as soon as it loads.
  await page.route("http://evil.test/**", (route) =>
    route.fulfill({
      contentType: "text/html",
      body: `<!doctype html><form id="f" method="post" action="${portalUrl()}/auth/signout"></form><script>document.getElementById("f").submit()</script>`,
    }),
  );
  const answer = page.waitForResponse((r) => r.url() === `${portalUrl()}/auth/signout`);
  await page.goto("http://evil.test/");
  expect((await answer).status()).toBe(403);
  await expect(page.getByRole("heading", { name: "Sign-out refused" })).toBeVisible();

  // Without Origin, Sec-Fetch-Site must say same-origin.
  expect((await page.request.post("/auth/signout", { headers: { "sec-fetch-site": "cross-site" }, maxRedirects: 0 })).status()).toBe(403);
  expect((await page.request.post("/auth/signout", { headers: { origin: "https://evil.example" }, maxRedirects: 0 })).status()).toBe(403);

  await page.goto("/dashboard");
  await expect(page).toHaveURL(/\/dashboard$/);
  await expect(page.getByTestId("signed-in-as")).toContainText("Bob Partner");
});

test("an admin signs everyone out: other sessions end at their next request, the admin stays", async ({ browser }) => {
  const bob = await signInFresh(browser, "Bob Partner");
  await expectRole(bob, "Bob Partner", "Operator");
  const adminContext = await browser.newContext({ storageState: PARTNER_STATE });
  const admin = await adminContext.newPage();
  await admin.goto("/dashboard/settings");
  await expect(admin.getByRole("navigation", { name: "Dashboard" }).getByRole("link", { name: "Settings" })).toHaveAttribute("aria-current", "page");
  const settings = admin.getByTestId("settings");
  await expect(settings).toContainText("5e0c1d2a-7b3f-4c59-9a8e-0d6f2b4c8a17");
  await expect(settings).toContainText("certificate, SHA-256 thumbprint");
  const before = Number(await admin.getByTestId("session-version").textContent());

  await admin.getByRole("link", { name: "Sign everyone out…" }).click();
  await expect(admin.getByRole("heading", { name: "Sign everyone out?" })).toBeVisible();
  await admin.getByRole("button", { name: "Yes, sign everyone out" }).click();
  await expect(admin.getByRole("status")).toContainText(`Everyone else is signed out (session version ${before + 1})`);
  await expect(admin.getByTestId("session-version")).toHaveText(String(before + 1));
  expect(count("select count(*) as n from audit_log where action = 'partner.sessions_revoked' and actor = ?", "alice@contoso-partners.example")).toBeGreaterThan(0);

  await bob.goto("/dashboard/invites");
  await expect(bob).toHaveURL(/\/signin\?returnTo=%2Fdashboard%2Finvites&ended=revoked/);
  await expect(bob.getByRole("status")).toContainText("An administrator signed everyone out.");

  await admin.goto("/dashboard");
  await expect(admin.getByTestId("signed-in-role")).toHaveText("Admin");
  // The other browser tests use the stored admin session: store its re-sealed cookie.
  await adminContext.storageState({ path: PARTNER_STATE });
});
