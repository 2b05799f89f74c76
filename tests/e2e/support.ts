import path from "node:path";
import Database from "better-sqlite3";
import { expect, type Browser, type Locator, type Page } from "@playwright/test";

export const PARTNER_STATE = path.resolve("test-results", "e2e-auth", "partner.json");
export const TENANTS = {
  fabrikam: "2f6b8c1d-4e3a-4f5b-9c7d-1a2b3c4d5e01",
  woodgrove: "5c9e1f4a-7b6d-4c8e-8f0a-4d5e6f7a8b04",
  litware: "6d0f2a5b-8c7e-4d9f-9a1b-5e6f7a8b9c05",
};

/** Picks a user on the sandbox's sign-in or consent page by the start of its label. */
export async function pickUser(page: Page, label: string, who: string) {
  const select = page.getByLabel(label);
  const option = select.locator("option", { hasText: who });
  await select.selectOption({ value: (await option.first().getAttribute("value"))! });
}

/** Signs in to the dashboard through the sandbox's sign-in page as the named user. */
export async function signIn(page: Page, who: string) {
  await page.goto("/signin");
  await page.getByRole("button", { name: "Sign in with Microsoft" }).click();
  await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
  await pickUser(page, "Pick an account", who);
  await page.getByRole("button", { name: "Sign in" }).click();
}

/** Creates an invite on the dashboard and returns its link. */
export async function createInvite(page: Page, customerName: string, tenantHint = "") {
  await page.goto("/dashboard/invites");
  await page.getByLabel("Customer name").fill(customerName);
  await page.getByLabel(/Tenant \(optional/).fill(tenantHint);
  await page.getByRole("button", { name: "Create invite" }).click();
  const link = page.getByTestId("invite-link");
  await expect(link).toBeVisible();
  return link.inputValue();
}

/** As a customer admin: open the invite, go to Microsoft, pick a user and press a button. */
export async function consentAs(page: Page, link: string, who: string, button: "Accept" | "Cancel" | "Decline" = "Accept") {
  await page.goto(link);
  await page.getByRole("button", { name: "Continue to Microsoft to grant consent" }).click();
  await expect(page.getByRole("heading", { name: "Permissions requested" })).toBeVisible();
  await pickUser(page, "Signed in as", who);
  await page.getByRole("button", { name: button }).click();
}

/** Opens the e2e portal's database (SQLite in the harness's data folder). */
export function portalDatabase() {
  return new Database(path.join(process.env.E2E_DATA_DIR!, "consentry.sqlite"));
}

/** The portal's own origin, as the Playwright config serves it. */
export function portalUrl(): string {
  return process.env.E2E_PORTAL_URL!;
}

/** A fresh browser context signed in to the dashboard as the named user (or refused, for a user without a role). */
export async function signInFresh(browser: Browser, who: string): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await signIn(page, who);
  return page;
}

/** The name of the hidden field that carries a server action's ID in a plain (no-JavaScript) form. */
export async function serverActionField(form: Locator): Promise<string> {
  const name = await form.locator('input[type="hidden"][name^="$ACTION_ID_"]').first().getAttribute("name");
  if (!name) throw new Error("This form posts no server action.");
  return name;
}
