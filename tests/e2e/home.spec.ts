import { expect, test } from "@playwright/test";

test.describe("home page", () => {
  test("says what Consentry is and what this installation runs on", async ({ page }) => {
    await page.goto("/");
    await expect(page).toHaveTitle("Consentry");
    await expect(page.locator("html")).toHaveAttribute("lang", "en");
    await expect(page.getByRole("heading", { level: 1 })).toHaveText(/Onboard customer tenants by admin consent/);
    await expect(page.getByRole("heading", { level: 1 })).toHaveCount(1);

    const steps = page.getByRole("region", { name: "How it works" }).getByRole("listitem");
    await expect(steps).toHaveCount(4);
    await expect(steps.nth(0)).toContainText("Invite");
    await expect(steps.nth(3)).toContainText("Prove");

    const installation = page.getByRole("region", { name: "This installation" });
    await expect(installation.getByTestId("status-cloud")).toHaveText(/Sandbox cloud/);
    await expect(installation.getByTestId("status-database")).toHaveText(/SQLite \(embedded\), schema version \d+/);
  });

  test("offers a skip link as the first stop for keyboard users", async ({ page }) => {
    await page.goto("/");
    await page.keyboard.press("Tab");
    const skip = page.getByRole("link", { name: "Skip to content" });
    await expect(skip).toBeFocused();
    await skip.press("Enter");
    await expect(page).toHaveURL(/#main$/);
  });

  test("reports health as JSON", async ({ request }) => {
    const response = await request.get("/api/health");
    expect(response.status()).toBe(200);
    expect(await response.json()).toMatchObject({ status: "ok", cloud: "sandbox", database: { engine: "sqlite" } });
  });
});
