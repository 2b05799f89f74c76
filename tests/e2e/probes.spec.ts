import { expect, test } from "@playwright/test";

import { consentAs, createInvite, PARTNER_STATE } from "./support";

const NORTHWIND = "3a7c9d2e-5f4b-4a6c-8d8e-2b3c4d5e6f02";

test.describe("proving permissions", () => {
  test.use({ storageState: PARTNER_STATE });

  test("the partner opens the hybrid tenant, runs probes and reads the on-prem finding with its fix", async ({ page, browser }) => {
    // Onboard Northwind; the admin's result page shows the first checks.
    const link = await createInvite(page, "Northwind Traders", "northwind.example");
    const adminPage = await (await browser.newContext()).newPage();
    await consentAs(adminPage, link, "Nestor Admin");
    await expect(adminPage.getByRole("heading", { name: /Northwind Traders .* is connected/ })).toBeVisible({ timeout: 30_000 });
    await expect(adminPage.getByTestId("probe-results")).toBeVisible({ timeout: 30_000 });
    await expect(adminPage.locator('[data-probe="exchange"]')).toContainText("PASS");

    // The partner points the mail probes at the on-prem mailbox and runs them.
    await page.goto(`/dashboard/tenants/${NORTHWIND}`);
    await page.getByLabel("Test mailbox").fill("pradeep@northwind.example");
    await page.getByRole("button", { name: "Save" }).click();
    await expect(page.getByText("Test mailbox set to pradeep@northwind.example.")).toBeVisible();
    await page.getByRole("button", { name: "Run probes now" }).click();
    await expect(page.getByRole("status").filter({ hasText: "Probes ran" })).toBeVisible({ timeout: 30_000 });

    const mail = page.locator('[data-probe="mail"]');
    await expect(mail).toContainText("FAIL");
    const finding = mail.getByTestId("finding");
    await expect(finding).toHaveAttribute("data-finding", "hybrid_profile_missing");
    await expect(finding).toContainText("The on-premises Exchange server does not accept app-only tokens");
    await expect(finding).toContainText("x-ms-diagnostics: 2000001;reason=\"This token profile 'V1S2SAppOnly' is not applicable for the current protocol.\"");
    await expect(finding).toContainText("OAuthHttpModule.Profiles");
    await expect(finding).toContainText("The customer's administrator");

    // The truth table and history are there too.
    await expect(page.getByTestId("truth-table").locator('[data-permission="Mail.Read"]')).toContainText("fail");
    await expect(page.getByTestId("history-chart")).toBeVisible();
  });

  test("test all tenants shows live progress that survives a reload", async ({ page }) => {
    await page.goto("/dashboard");
    await page.getByRole("button", { name: "Test all tenants" }).click();
    await expect(page).toHaveURL(/\/dashboard\/bulk\/[0-9a-f-]{36}$/);
    await expect(page.getByTestId("bulk-progress")).toBeVisible();
    await page.reload();
    await expect(page.getByTestId("bulk-progress")).toHaveAttribute("data-status", "completed", { timeout: 60_000 });
    await expect(page.getByTestId("bulk-remaining")).toHaveText("0");
    expect(Number(await page.getByTestId("bulk-done").textContent())).toBeGreaterThan(0);
  });
});
