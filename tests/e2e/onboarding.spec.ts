import { expect, test } from "@playwright/test";

import { consentAs, createInvite, PARTNER_STATE, pickUser, portalDatabase, signIn, TENANTS } from "./support";

test.describe("consent onboarding, end to end", () => {
  test.use({ storageState: PARTNER_STATE });

  test("a partner invites, the customer's admin consents, both see the verified tenant", async ({ page, browser }) => {
    const link = await createInvite(page, "Fabrikam", "fabrikam.example");
    expect(link).toMatch(/\/consent\/[A-Za-z0-9_-]{27}$/);

    const admin = await browser.newContext(); // the customer's admin: no partner session
    const adminPage = await admin.newPage();
    await adminPage.goto(link);
    await expect(adminPage.getByTestId("customer-name")).toHaveText("Fabrikam");
    await expect(adminPage.getByTestId("permission-list")).toContainText("Read mail in all mailboxes");
    await expect(adminPage.getByText("Global Administrator", { exact: false }).first()).toBeVisible();
    await consentAs(adminPage, link, "Megan Admin");
    await expect(adminPage).toHaveURL(/\/consent\/result\/[0-9a-f-]{36}$/);
    await expect(adminPage.getByRole("heading", { name: "Fabrikam (cloud only) is connected" })).toBeVisible({ timeout: 30_000 });
    await expect(adminPage.getByTestId("granted")).toContainText("Mail.Read");
    await expect(adminPage.getByText("fabrikam.onmicrosoft.com")).toBeVisible();

    await admin.close();

    await page.goto("/dashboard");
    const row = page.locator(`[data-tenant="${TENANTS.fabrikam}"]`);
    await expect(row).toContainText("Fabrikam (cloud only)");
    await expect(row).toContainText("consented");
    await expect(row).toContainText("fabrikam.onmicrosoft.com");
    await page.goto(`/dashboard/tenants/${TENANTS.fabrikam}`);
    await expect(page.getByTestId("consented-by")).toContainText("Megan Admin (megan@fabrikam.example)");
    await page.goto("/dashboard/invites");
    await expect(page.getByTestId("invites")).toContainText("consented");
    await page.goto("/dashboard/audit");
    await expect(page.getByTestId("audit").locator(`tr[data-action="consent.verified"]`).first()).toContainText("Consent verified with a token");
    await expect(page.getByTestId("audit")).toContainText("admin:megan@fabrikam.example");
  });

  test("replaying the callback after success is refused as already used", async ({ page, browser }) => {
    const link = await createInvite(page, "Fabrikam again");
    const admin = await browser.newContext();
    const adminPage = await admin.newPage();
    let callbackUrl = "";
    adminPage.on("request", (r) => {
      if (r.url().includes("/consent/callback?")) callbackUrl = r.url();
    });
    await consentAs(adminPage, link, "Megan Admin");
    await expect(adminPage.getByRole("heading", { name: /is connected/ })).toBeVisible({ timeout: 30_000 });
    const replay = await adminPage.goto(callbackUrl);
    expect(replay?.status()).toBe(409);
    await expect(adminPage.getByRole("heading", { name: "This consent was already completed" })).toBeVisible();
    await admin.close();
  });

  test("slow replication shows the waiting state, which turns into the result by itself", async ({ page, browser }) => {
    test.setTimeout(120_000);
    const link = await createInvite(page, "Litware", TENANTS.litware);
    const admin = await browser.newContext();
    const adminPage = await admin.newPage();
    await consentAs(adminPage, link, "Henrietta Admin");
    await expect(adminPage.getByRole("heading", { name: "Microsoft is finishing your consent" })).toBeVisible();
    await expect(adminPage.getByRole("heading", { name: /Litware .* is connected/ })).toBeVisible({ timeout: 90_000 });
    await admin.close();
  });
});

test.describe("consent problems, as the admin sees them", () => {
  test.use({ storageState: PARTNER_STATE });

  test("cancel", async ({ page, browser }) => {
    const link = await createInvite(page, "Tailspin cancel");
    const adminPage = await (await browser.newContext()).newPage();
    await consentAs(adminPage, link, "Megan Admin", "Cancel");
    await expect(adminPage.getByRole("heading", { name: "You cancelled the consent" })).toBeVisible();
    // The invite is still valid, so the page leads back to it.
    await adminPage.getByRole("link", { name: "Try again" }).click();
    await expect(adminPage).toHaveURL(link);
    await expect(adminPage.getByRole("button", { name: "Continue to Microsoft to grant consent" })).toBeVisible();
  });

  test("decline", async ({ page, browser }) => {
    const link = await createInvite(page, "Tailspin decline");
    const adminPage = await (await browser.newContext()).newPage();
    await consentAs(adminPage, link, "Megan Admin", "Decline");
    await expect(adminPage.getByRole("heading", { name: "The consent was declined" })).toBeVisible();
  });

  test("a non-admin is told to forward the link to an administrator", async ({ page, browser }) => {
    const link = await createInvite(page, "Tailspin Toys");
    const adminPage = await (await browser.newContext()).newPage();
    await adminPage.goto(link);
    await adminPage.getByText("Not an administrator?").click();
    await expect(adminPage.getByTestId("forward-link")).toHaveText(link);
    await consentAs(adminPage, link, "Diego Siciliani");
    // Microsoft shows this on its own page and does not come back.
    await expect(adminPage.getByRole("heading", { name: "Need admin approval" })).toBeVisible();
  });

  test("a consent from another tenant than the invited one is rejected and records no tenant", async ({ page, browser }) => {
    // Other tests may have added Woodgrove already (it consented before Consentry): compare before and after.
    const before = portalDatabase();
    const tenantsBefore = before.prepare("select id, consented_at, updated_at from tenants order by id").all();
    before.close();
    const link = await createInvite(page, "Woodgrove", "woodgrove.example");
    const adminPage = await (await browser.newContext()).newPage();
    await adminPage.goto(link);
    await adminPage.getByRole("button", { name: "Continue to Microsoft to grant consent" }).click();
    await expect(adminPage.getByRole("heading", { name: "Permissions requested" })).toBeVisible();
    // The invite sends the admin to Woodgrove's consent URL; someone edits it to /common and consents for Fabrikam.
    expect(adminPage.url()).toContain("/woodgrove.example/adminconsent");
    await adminPage.goto(adminPage.url().replace("/woodgrove.example/", "/common/"));
    await pickUser(adminPage, "Signed in as", "Megan Admin");
    await adminPage.getByRole("button", { name: "Accept" }).click();
    await expect(adminPage.getByRole("heading", { name: "You consented for a different organization" })).toBeVisible();
    await expect(adminPage.getByText(TENANTS.fabrikam)).toBeVisible();
    const db = portalDatabase();
    try {
      expect(db.prepare("select id, consented_at, updated_at from tenants order by id").all()).toEqual(tenantsBefore);
    } finally {
      db.close();
    }
  });

  test("an expired invite gets a clear page", async ({ page, browser }) => {
    const link = await createInvite(page, "Expired customer");
    const db = portalDatabase();
    try {
      db.prepare("update invites set expires_at = '2020-01-01T00:00:00.000Z' where customer_name = ?").run("Expired customer");
    } finally {
      db.close();
    }
    const adminPage = await (await browser.newContext()).newPage();
    await adminPage.goto(link);
    await expect(adminPage.getByRole("heading", { name: "This invite link has expired" })).toBeVisible();
  });
});

test.describe("the dashboard is for partner staff only", () => {
  test("a user from a customer tenant is refused and told why", async ({ page }) => {
    await signIn(page, "Megan Admin");
    await expect(page.getByRole("heading", { name: "This dashboard is for partner staff" })).toBeVisible();
    await expect(page.getByText("megan@fabrikam.example")).toBeVisible();
    await page.goto("/dashboard");
    await expect(page).toHaveURL(/\/signin/);
  });

  test("signing out ends the session", async ({ page }) => {
    await signIn(page, "Bob Partner");
    await expect(page.getByTestId("signed-in-as")).toContainText("Bob Partner");
    await page.getByRole("button", { name: "Sign out" }).click();
    await expect(page.getByRole("status")).toHaveText("You are signed out.");
    await page.goto("/dashboard/invites");
    await expect(page).toHaveURL(/\/signin\?returnTo=%2Fdashboard%2Finvites/);
  });
});
