import { expect, test, type Page } from "@playwright/test";

import { consentAs, createInvite, PARTNER_STATE, TENANTS } from "./support";

const DEMO_APP_ID = "5e0c1d2a-7b3f-4c59-9a8e-0d6f2b4c8a17";
const ADDED = { resource: "graph", role: "Reports.Read.All" };

/** The sandbox's control surface (loopback only), on its plain-HTTP origin. */
async function sandbox(method: string, pathname: string, body?: unknown) {
  const response = await fetch(`${process.env.E2E_EMULATOR_LOGIN_HOST}/_emulator${pathname}`, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return response;
}

async function refreshFromRegistration(page: Page) {
  await page.goto("/dashboard/settings");
  await page.getByRole("button", { name: "Refresh from the app registration" }).click();
  await expect(page.getByTestId("refresh-result")).toBeVisible();
}

/** Invites Fabrikam, consents as Megan Admin in a fresh browser and waits for the result page's checks. */
async function onboardFabrikam(page: Page, browser: import("@playwright/test").Browser, link?: string) {
  const invite = link ?? (await createInvite(page, "Fabrikam", "fabrikam.example"));
  const admin = await browser.newContext();
  const adminPage = await admin.newPage();
  await consentAs(adminPage, invite, "Megan Admin");
  await expect(adminPage.getByRole("heading", { name: "Fabrikam (cloud only) is connected" })).toBeVisible({ timeout: 30_000 });
  await expect(adminPage.getByRole("heading", { name: "Checks, permission by permission" })).toBeVisible();
  await expect(adminPage.getByText("Each permission was tried for real against your organization.")).toBeVisible({ timeout: 30_000 });
  return { admin, adminPage };
}

test.describe("the app's permissions are the app registration's", () => {
  test.use({ storageState: PARTNER_STATE });

  test("the settings page shows the registration as read: client ID, permissions per resource, redirect URIs and credential expiry", async ({ page }) => {
    await refreshFromRegistration(page);
    const section = page.getByTestId("app-registration");
    await expect(page.getByTestId("registration-client-id")).toHaveText(DEMO_APP_ID);
    await expect(page.getByTestId("registration-read")).toBeVisible();
    await expect(page.getByTestId("registration-fallback")).toHaveCount(0);
    const permissions = page.getByTestId("registration-permissions");
    await expect(permissions.locator('[data-resource="graph"]')).toContainText("Sites.Read.All");
    await expect(permissions.locator('[data-resource="exchange"]')).toContainText("full_access_as_app");
    await expect(permissions.locator('[data-resource="sharepoint"]')).toContainText("Read items in all site collections");
    expect(await permissions.locator("[data-permission]").count()).toBeGreaterThanOrEqual(12);
    await expect(page.getByTestId("redirect-uris")).toContainText("/consent/signin/callback");
    await expect(page.getByTestId("redirect-uris")).toContainText("registered");
    await expect(page.getByTestId("credentials").locator('[data-kind="certificate"]')).toHaveAttribute("data-state", "ok");
    // demo-secret expires 20 days after the sandbox started: warned, 30 days ahead.
    await expect(page.getByTestId("credential-warning").filter({ hasText: "demo-secret" })).toContainText(/expires in (19|20) days/);
    await expect(page.getByTestId("credential-warning").filter({ hasText: "expired-secret" })).toContainText("has expired: remove it from the app registration");
    await expect(section.getByTestId("permission-versions")).toContainText("from the registration");
  });

  test("Fabrikam: Exchange.ManageAsApp granted without a directory role: the result page names the role and asks for no re-consent", async ({ page, browser }) => {
    const { admin, adminPage } = await onboardFabrikam(page, browser);
    const actions = adminPage.getByTestId("customer-actions");
    await expect(actions).toContainText("Exchange Administrator");
    await expect(actions).toContainText("Consenting again does not change this.");
    await expect(adminPage.getByTestId("missing")).toHaveCount(0);
    await expect(adminPage.getByTestId("nothing-missing")).toBeVisible();
    await expect(adminPage.getByTestId("granted")).toContainText("Exchange/Exchange.ManageAsApp");
    await expect(adminPage.getByText("Open your invite link again")).toHaveCount(0);
    await admin.close();

    // The tenant page, from the same function, agrees: granted and in the Exchange token.
    await page.goto(`/dashboard/tenants/${TENANTS.fabrikam}`);
    const row = page.getByTestId("truth-table").locator('[data-name="Exchange/Exchange.ManageAsApp"]');
    await expect(row).toHaveAttribute("data-state", "granted");
  });

  test("the partner adds a permission: the tenant needs re-consent, and a re-consent through its link brings it back", async ({ page, browser }) => {
    const first = await onboardFabrikam(page, browser);
    await first.admin.close();

    expect((await sandbox("POST", `/apps/${DEMO_APP_ID}/requiredResourceAccess`, ADDED)).status).toBe(200);
    try {
      await refreshFromRegistration(page);
      await expect(page.getByTestId("refresh-result")).toContainText("recorded");
      await expect(page.getByTestId("registration-permissions")).toContainText("Reports.Read.All");
      await expect(page.getByTestId("permission-versions").locator("li").first()).toContainText("added Graph/Reports.Read.All");

      await page.goto("/dashboard");
      await expect(page.getByTestId("needs-reconsent-count")).toContainText(/^[1-9]\d* needs? re-consent/);
      await expect(page.locator(`[data-tenant="${TENANTS.fabrikam}"]`).getByTestId("needs-reconsent")).toBeVisible();

      await page.goto(`/dashboard/tenants/${TENANTS.fabrikam}`);
      await expect(page.getByTestId("needs-reconsent")).toContainText("Graph/Reports.Read.All");
      await page.getByRole("button", { name: "Copy re-consent link" }).click();
      const link = await page.getByTestId("invite-link").inputValue();
      expect(link).toMatch(/\/consent\/[A-Za-z0-9_-]{27}$/);

      const again = await onboardFabrikam(page, browser, link);
      await expect(again.adminPage.getByTestId("granted")).toContainText("Graph/Reports.Read.All");
      await again.admin.close();

      await page.goto(`/dashboard/tenants/${TENANTS.fabrikam}`);
      await expect(page.getByTestId("needs-reconsent")).toHaveCount(0);
      await page.goto("/dashboard");
      await expect(page.locator(`[data-tenant="${TENANTS.fabrikam}"]`).getByTestId("needs-reconsent")).toHaveCount(0);
    } finally {
      // Later specs see the registration as the scenario ships it.
      await sandbox("DELETE", `/apps/${DEMO_APP_ID}/requiredResourceAccess`, ADDED);
      await refreshFromRegistration(page);
    }
  });
});
