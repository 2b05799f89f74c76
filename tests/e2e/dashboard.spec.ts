import { readFileSync } from "node:fs";
import { expect, test } from "@playwright/test";

import { PARTNER_STATE } from "./support";

const PROSEWARE = "8f2b4c7d-0e9a-4fbc-9c3d-7a8b9c0d1e07";
const VANARSDEL = "c1000007-7a1e-4c0d-9e2b-5d0c0ffee007";

test.describe("the tenant list", () => {
  test.use({ storageState: PARTNER_STATE });

  test("a partner searches, filters, opens a tenant and exports what they see", async ({ page }) => {
    // Two tenants that consented before Consentry, added and checked.
    for (const id of [PROSEWARE, VANARSDEL]) {
      await page.goto("/dashboard");
      await page.getByText("Add a tenant that already consented").click();
      await page.getByLabel("Tenant ID").fill(id);
      await page.getByRole("button", { name: "Check and add" }).click();
      await expect(page).toHaveURL(new RegExp(`/dashboard/tenants/${id}$`), { timeout: 30_000 });
      await page.getByRole("button", { name: "Run probes now" }).click();
      await expect(page.getByRole("status").filter({ hasText: "Probes ran" })).toBeVisible({ timeout: 30_000 });
    }

    // Search by part of a domain.
    await page.goto("/dashboard");
    const search = page.getByRole("search", { name: "Search tenants" });
    await search.getByLabel("Search").fill("vanarsdel");
    await search.getByRole("button", { name: "Search" }).click();
    // Every other field is left at "Any", which the form sends empty: no filter, nothing "ignored".
    await expect(page).toHaveURL(/\/dashboard\?q=vanarsdel&status=&/);
    await expect(page.getByText("Ignored in this link")).toHaveCount(0);
    const rows = page.getByTestId("tenants").locator("tbody tr");
    await expect(rows).toHaveCount(1);
    await expect(rows.first()).toHaveAttribute("data-tenant", VANARSDEL);

    // Filter by a finding (from the row's own finding link), then by the last check.
    await rows.first().getByRole("link", { name: "mailbox_soft_deleted" }).click();
    await expect(page).toHaveURL(/finding=mailbox_soft_deleted/);
    await expect(page.getByTestId("tenants").locator("tbody tr")).toHaveCount(1);
    await page.goto("/dashboard?check=failing&status=consented");
    await expect(page.getByTestId("tenants").locator(`[data-tenant="${PROSEWARE}"]`)).toBeVisible();
    await expect(page.getByTestId("count-failing")).toContainText("failing their checks");

    // A link with a mistyped filter still shows tenants, and says what it ignored.
    await page.goto("/dashboard?status=happy&q=proseware");
    await expect(page.getByText(/Ignored in this link: status: must be one of/)).toBeVisible();
    await expect(page.getByTestId("tenants").locator("tbody tr")).toHaveCount(1);

    // Open the tenant from the list.
    await page.getByTestId("tenants").getByRole("link", { name: /Proseware/ }).click();
    await expect(page).toHaveURL(new RegExp(`/dashboard/tenants/${PROSEWARE}$`));
    await expect(page.getByTestId("truth-table")).toBeVisible();

    // Export the filtered list.
    await page.goto("/dashboard?q=proseware");
    const download = page.waitForEvent("download");
    await page.getByTestId("export-csv").click();
    const file = await download;
    expect(file.suggestedFilename()).toMatch(/^consentry-tenants-\d{4}-\d{2}-\d{2}\.csv$/);
    const csv = readFileSync((await file.path())!, "utf8").trimEnd().split("\r\n");
    expect(csv[0]).toBe("customer,tenant_id,initial_domain,status,permission_set_version,needs_reconsent,last_check,last_check_at,failing_probes,finding_ids");
    expect(csv).toHaveLength(2);
    expect(csv[1]).toContain(PROSEWARE);

    // Offboard it: a confirmation, then the list says what the customer's admin does next.
    await page.goto(`/dashboard/tenants/${PROSEWARE}`);
    await page.getByRole("link", { name: "Remove from Consentry…" }).click();
    await expect(page.getByRole("heading", { name: /Remove Proseware .* and everything Consentry knows about it\?/ })).toBeVisible();
    await page.getByRole("button", { name: "Yes, remove it" }).click();
    await expect(page).toHaveURL(new RegExp(`/dashboard\\?removed=${PROSEWARE}$`));
    await expect(page.getByRole("status")).toContainText("Properties → Delete");
    await expect(page.getByTestId("tenants").locator(`[data-tenant="${PROSEWARE}"]`)).toHaveCount(0);
  });

  test("the list fits a 390 px screen", async ({ page }) => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto("/dashboard");
    await expect(page.getByTestId("tenants")).toBeVisible();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  });
});

test.describe("API keys on the settings page", () => {
  test.use({ storageState: PARTNER_STATE });

  test("an admin creates a key (shown once) that the API accepts, and revokes it after confirming", async ({ page, request }) => {
    await page.goto("/dashboard/settings");
    await page.getByLabel("Name").fill("E2E script");
    await page.getByLabel("Role").selectOption("reader");
    await page.getByRole("button", { name: "Create API key" }).click();
    const key = await page.getByTestId("new-api-key").inputValue();
    expect(key).toMatch(/^csk_/);
    const listed = await request.get("/api/v1/tenants?limit=1", { headers: { authorization: `Bearer ${key}` } });
    expect(listed.status()).toBe(200);

    await page.reload();
    await expect(page.getByTestId("new-api-key")).toHaveCount(0);
    const row = page.getByTestId("api-keys").locator("tr", { hasText: "E2E script" });
    await expect(row).toContainText(key.slice(0, 12));
    await row.getByRole("link", { name: "Revoke…" }).click();
    await expect(page.getByRole("heading", { name: /Revoke the key “E2E script”/ })).toBeVisible();
    await page.getByRole("button", { name: "Yes, revoke it" }).click();
    await expect(page.getByText("The key is revoked")).toBeVisible();
    expect((await request.get("/api/v1/tenants?limit=1", { headers: { authorization: `Bearer ${key}` } })).status()).toBe(401);
  });
});

test.describe("invites", () => {
  test.use({ storageState: PARTNER_STATE });

  test("a bad tenant keeps what was typed and marks the field; revoking asks first", async ({ page }) => {
    await page.goto("/dashboard/invites");
    await page.getByLabel("Customer name").fill("Litware, Inc.");
    await page.getByLabel(/Tenant \(optional/).fill("not a domain!");
    await page.getByRole("button", { name: "Create invite" }).click();
    await expect(page.getByText("Check the highlighted fields.")).toBeVisible();
    await expect(page.getByLabel("Customer name")).toHaveValue("Litware, Inc.");
    await expect(page.getByLabel(/Tenant \(optional/)).toHaveValue("not a domain!");
    await expect(page.getByLabel(/Tenant \(optional/)).toHaveAttribute("aria-invalid", "true");

    await page.getByLabel(/Tenant \(optional/).fill("litware.example");
    await page.getByRole("button", { name: "Create invite" }).click();
    await expect(page.getByTestId("invite-link")).toBeVisible();
    await page.goto("/dashboard/invites");
    const row = page.getByTestId("invites").locator("tr", { hasText: "Litware, Inc." }).first();
    await row.getByRole("link", { name: "Revoke…" }).click();
    await expect(page.getByRole("heading", { name: "Revoke the invite for Litware, Inc.?" })).toBeVisible();
    await page.getByRole("link", { name: "Cancel" }).click();
    await expect(page.getByTestId("invites").locator("tr", { hasText: "Litware, Inc." }).first()).not.toContainText("revoked");
    await page.getByTestId("invites").locator("tr", { hasText: "Litware, Inc." }).first().getByRole("link", { name: "Revoke…" }).click();
    await page.getByRole("button", { name: "Yes, revoke it" }).click();
    await expect(page.getByRole("status")).toContainText("The invite is revoked");
    await expect(page.getByTestId("invites").locator("tr", { hasText: "Litware, Inc." }).first()).toContainText("revoked");

    // The list is searched and filtered on the server.
    const search = page.getByRole("search", { name: "Search invites" });
    await search.getByLabel("Search").fill("litware");
    await search.getByLabel("State").selectOption("revoked");
    await search.getByRole("button", { name: "Search" }).click();
    await expect(page).toHaveURL(/\/dashboard\/invites\?q=litware&state=revoked$/);
    const rows = page.getByTestId("invites").locator("tbody tr");
    await expect(rows.first()).toContainText("Litware, Inc.");
    for (const text of await rows.allInnerTexts()) expect(text).toMatch(/Litware, Inc\.[\s\S]*revoked/);
    await search.getByLabel("State").selectOption("consented");
    await search.getByRole("button", { name: "Search" }).click();
    await expect(page.getByText("No invite matches these filters.")).toBeVisible();
    await page.getByRole("link", { name: "Clear" }).click();
    await expect(page).toHaveURL(/\/dashboard\/invites$/);
    await expect(page.getByTestId("invites")).toBeVisible();
    // The fields show the cleared query, not what was chosen before (a client-side navigation).
    await expect(search.getByLabel("Search")).toHaveValue("");
    await expect(search.getByLabel("State")).toHaveValue("");
    await search.getByLabel("Search").fill("litware");
    await search.getByRole("button", { name: "Search" }).click();
    await expect(page).toHaveURL(/\/dashboard\/invites\?q=litware&state=$/);
    await expect(page.getByText("Ignored in this link")).toHaveCount(0);
    await expect(rows.first()).toContainText("Litware, Inc.");

    // Revoking from a searched list comes back to the same search.
    await page.getByLabel("Customer name").fill("Tailspin Revoked");
    await page.getByRole("button", { name: "Create invite" }).click();
    await expect(page.getByTestId("invite-link")).toBeVisible();
    await page.goto("/dashboard/invites?q=tailspin");
    await rows.first().getByRole("link", { name: "Revoke…" }).click();
    await expect(page).toHaveURL(/\/dashboard\/invites\?q=tailspin&revoke=/);
    await page.getByRole("link", { name: "Cancel" }).click();
    await expect(page).toHaveURL(/\/dashboard\/invites\?q=tailspin$/);
    await rows.first().getByRole("link", { name: "Revoke…" }).click();
    await page.getByRole("button", { name: "Yes, revoke it" }).click();
    await expect(page).toHaveURL(/\/dashboard\/invites\?q=tailspin&revoked=1$/);
    await expect(page.getByRole("status")).toContainText("The invite is revoked");
    await expect(rows.first()).toContainText("Tailspin Revoked");
    await expect(rows.first()).toContainText("revoked");
  });
});

test.describe("re-consent campaigns", () => {
  test.use({ storageState: PARTNER_STATE });

  test("a partner starts a campaign for the tenants on older permissions and gets their links as CSV", async ({ page }) => {
    const WOODGROVE = "5c9e1f4a-7b6d-4c8e-8f0a-4d5e6f7a8b04";
    await page.goto("/dashboard");
    await page.getByText("Add a tenant that already consented").click();
    await page.getByLabel("Tenant ID").fill(WOODGROVE);
    await page.getByRole("button", { name: "Check and add" }).click();
    await expect(page).toHaveURL(new RegExp(`/dashboard/tenants/${WOODGROVE}$`), { timeout: 30_000 });

    await page.getByRole("navigation", { name: "Dashboard" }).getByRole("link", { name: "Re-consent" }).click();
    await expect(page.getByTestId("campaign-needing")).toContainText(/need/);
    const download = page.waitForEvent("download");
    await page.getByRole("button", { name: /Start a campaign for \d+ tenant/ }).click();
    const file = await download;
    const csv = readFileSync((await file.path())!, "utf8").trimEnd().split("\r\n");
    expect(csv[0]).toBe("customer,tenant_id,link");
    expect(csv.some((line) => line.includes(WOODGROVE) && /,https?:\/\/[^,]+\/consent\/[A-Za-z0-9_-]+$/.test(line))).toBe(true);

    await page.reload();
    await page.getByTestId("campaigns").getByRole("link").first().click();
    await expect(page.getByTestId("campaign-progress")).toContainText("sent");
    await expect(page.getByTestId("campaign-invites").locator(`[data-tenant="${WOODGROVE}"]`)).toBeVisible();
  });
});
