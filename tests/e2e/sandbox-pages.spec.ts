import { expect, test } from "@playwright/test";

// The sandbox cloud's own pages, as a customer admin and a partner see them in Chromium.
const login = () => process.env.E2E_EMULATOR_LOGIN_HOST!;
const portal = () => process.env.E2E_PORTAL_URL!.replace("127.0.0.1", "localhost");
const APP = "5e0c1d2a-7b3f-4c59-9a8e-0d6f2b4c8a17";
const FABRIKAM = "2f6b8c1d-4e3a-4f5b-9c7d-1a2b3c4d5e01";
const PARTNER = "8d2f6a41-3c7e-4b90-a1d5-6e9f0b2c4d71";

function adminConsentUrl(state: string) {
  const url = new URL(`${login()}/common/adminconsent`);
  url.searchParams.set("client_id", APP);
  url.searchParams.set("redirect_uri", `${portal()}/consent/callback`);
  url.searchParams.set("state", state);
  return url.toString();
}

test.describe("sandbox admin consent page", () => {
  test("an admin accepts and the browser returns with the tenant and state", async ({ page }) => {
    await page.goto(adminConsentUrl("e2e-accept"));
    await expect(page.getByRole("heading", { name: "Permissions requested" })).toBeVisible();
    await expect(page.getByTestId("app-name")).toHaveText("Consentry Demo App");
    await expect(page.getByTestId("permissions")).toContainText("Mail.Read");
    await page.getByLabel("Signed in as").selectOption({ label: "Megan Admin (megan@fabrikam.example), Fabrikam (cloud only), Global Administrator" });
    const back = page.waitForRequest((r) => r.url().startsWith(`${portal()}/consent/callback`));
    await page.getByRole("button", { name: "Accept" }).click();
    const url = new URL((await back).url());
    expect(Object.fromEntries(url.searchParams)).toEqual({ admin_consent: "True", tenant: FABRIKAM, state: "e2e-accept" });
  });

  test("cancel returns access_denied with the cancel subcode", async ({ page }) => {
    await page.goto(adminConsentUrl("e2e-cancel"));
    const back = page.waitForRequest((r) => r.url().startsWith(`${portal()}/consent/callback`));
    await page.getByRole("button", { name: "Cancel" }).click();
    const params = new URL((await back).url()).searchParams;
    expect(params.get("error")).toBe("access_denied");
    expect(params.get("error_subcode")).toBe("cancel");
    expect(params.get("tenant")).toBeNull();
  });

  test("a user without an admin role sees Need admin approval, on the emulator's page", async ({ page }) => {
    await page.goto(adminConsentUrl("e2e-nonadmin"));
    await page.getByLabel("Signed in as").selectOption({ label: "Diego Siciliani (not an admin) (diego@tailspintoys.onmicrosoft.com), Tailspin Toys (no admin at hand), no admin role" });
    await page.getByRole("button", { name: "Accept" }).click();
    await expect(page.getByRole("heading", { name: "Need admin approval" })).toBeVisible();
    await expect(page.getByTestId("aadsts")).toContainText("AADSTS90094");
    expect(page.url().startsWith(login())).toBe(true);
  });
});

test.describe("sandbox sign-in page", () => {
  test("a partner picks an account and the browser returns with a code", async ({ page }) => {
    const url = new URL(`${login()}/${PARTNER}/oauth2/v2.0/authorize`);
    for (const [k, v] of Object.entries({ client_id: APP, response_type: "code", redirect_uri: `${portal()}/auth/callback`, scope: "openid profile", state: "e2e-login", code_challenge: "x".repeat(43), code_challenge_method: "S256" })) {
      url.searchParams.set(k, v);
    }
    await page.goto(url.toString());
    await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
    await page.getByLabel("Pick an account").selectOption({ index: 0 });
    const back = page.waitForRequest((r) => r.url().startsWith(`${portal()}/auth/callback`));
    await page.getByRole("button", { name: "Sign in" }).click();
    const params = new URL((await back).url()).searchParams;
    expect(params.get("code")).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    expect(params.get("state")).toBe("e2e-login");
  });
});
