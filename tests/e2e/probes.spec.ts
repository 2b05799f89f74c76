import { expect, test } from "@playwright/test";

import { consentAs, createInvite, PARTNER_STATE } from "./support";

const NORTHWIND = "3a7c9d2e-5f4b-4a6c-8d8e-2b3c4d5e6f02";

test.describe("proving permissions", () => {
  test.use({ storageState: PARTNER_STATE });

  test("the partner opens the hybrid tenant, runs probes and reads today's on-prem finding with its fix", async ({ page, browser }) => {
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
    // Since March 2023 Graph does not reach on-prem mailboxes: it answers 404, and the user's
    // sync state and Exchange's recipient type say which of the four causes it is.
    await expect(finding).toHaveAttribute("data-finding", "mailbox_on_premises");
    await expect(finding).toContainText("The test mailbox (pradeep@northwind.example) is on an on-premises Exchange server");
    await expect(finding).toContainText("Error code: MailboxNotEnabledForRESTAPI");
    await expect(finding).toContainText("onPremisesSyncEnabled: true");
    await expect(finding).toContainText("RecipientTypeDetails: MailUser");
    await expect(finding).toContainText("Since March 2023");
    await expect(finding).toContainText("The customer's administrator");
    await expect(finding.getByRole("link", { name: "Hybrid REST (deprecated)" })).toHaveAttribute("href", "https://learn.microsoft.com/graph/hybrid-rest-support");

    // The truth table and history are there too.
    await expect(page.getByTestId("truth-table").locator('[data-permission="Mail.Read"]')).toContainText("fail");
    await expect(page.getByTestId("history-chart")).toBeVisible();
  });

  test("a partner pastes an on-prem IIS log line into Explain an error and reads the finding", async ({ page }) => {
    await page.goto("/dashboard");
    await page.getByRole("link", { name: "Explain an error" }).click();
    await expect(page.getByRole("heading", { name: "Explain an error" })).toBeVisible();

    // A bad status is named, and what was pasted stays.
    const line = `2019-05-13 09:12:44 10.0.0.5 GET /api/v2.0/Users('pradeep@northwind.example')/messages - 443 - 10.0.0.9 Microsoft+Graph 401 0 0 15 x-ms-diagnostics:+2000001;reason="This+token+profile+'V1S2SAppOnly'+is+not+applicable+for+the+current+protocol.";error_category="invalid_token"`;
    await page.getByLabel("Log lines or an error message").fill(line);
    await page.getByLabel("HTTP status").fill("4o1");
    await page.getByRole("button", { name: "Explain" }).click();
    await expect(page.getByText("The HTTP status is three digits, such as 401.")).toBeVisible();
    await expect(page.getByLabel("HTTP status")).toHaveAttribute("aria-invalid", "true");
    await expect(page.getByLabel("HTTP status")).toBeFocused();
    await expect(page.getByLabel("Log lines or an error message")).toHaveValue(line);

    await page.getByLabel("HTTP status").fill("");
    await page.getByRole("button", { name: "Explain" }).click();
    const finding = page.getByTestId("finding");
    await expect(finding).toHaveAttribute("data-finding", "hybrid_profile_missing");
    await expect(finding).toContainText("V1S2SAppOnly profile missing");
    await expect(finding).toContainText("ended in March 2023");
    await expect(finding).toContainText("OAuthHttpModule.Profiles");
    await expect(page.getByRole("region", { name: "Finding" })).toBeFocused();

    // Something Consentry does not know is said so, never called an outage.
    await page.getByLabel("Log lines or an error message").fill("AADSTS999999: Something Microsoft adds one day.");
    await page.getByRole("button", { name: "Explain" }).click();
    await expect(finding).toHaveAttribute("data-finding", "unknown");
    await expect(finding).toContainText("It is not known to be an outage");
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
