import { expect, test, type Browser, type Page } from "@playwright/test";

import { createInvite, PARTNER_STATE, pickUser, portalDatabase, TENANTS } from "./support";

/**
 * The hole this closes: a state from any start, and a callback naming a tenant that
 * consented earlier, used to count as that tenant's consent. Now only a sign-in, in the
 * same browser, with an id_token of that tenant binds a consent.
 */

function tenantRow(id: string) {
  const db = portalDatabase();
  try {
    return db.prepare("select consented_at, verified_at, consented_by from tenants where id = ?").get(id) ?? null;
  } finally {
    db.close();
  }
}

function attemptsFor(inviteId: string | null) {
  const db = portalDatabase();
  try {
    return inviteId === null
      ? (db.prepare("select count(*) as n from consent_attempts where invite_id is null").get() as { n: number }).n
      : (db.prepare("select count(*) as n from consent_attempts where invite_id = ?").get(inviteId) as { n: number }).n;
  } finally {
    db.close();
  }
}

function inviteIdOf(customerName: string): string {
  const db = portalDatabase();
  try {
    return (db.prepare("select id from invites where customer_name = ?").get(customerName) as { id: string }).id;
  } finally {
    db.close();
  }
}

/** As a stranger: start the consent from `startPage`, stop at Microsoft, and keep the state. */
async function stateFromStart(page: Page, startPage: string): Promise<string> {
  await page.goto(startPage);
  await page.getByRole("button", { name: /Continue to Microsoft/ }).click();
  await expect(page.getByRole("heading", { name: "Permissions requested" })).toBeVisible();
  const state = new URL(page.url()).searchParams.get("state");
  expect(state).toBeTruthy();
  return state!;
}

async function stranger(browser: Browser): Promise<Page> {
  return (await browser.newContext()).newPage();
}

test.describe("a forged consent callback", () => {
  test.use({ storageState: PARTNER_STATE });

  for (const [name, startFrom] of [
    ["an invite that names no tenant", "invite"],
    ["open onboarding", "open"],
  ] as const) {
    test(`through ${name} shows no tenant data and changes no record`, async ({ page, browser }) => {
      const customer = `Forgery via ${startFrom}`;
      const link = startFrom === "invite" ? await createInvite(page, customer) : "/consent";
      const inviteId = startFrom === "invite" ? inviteIdOf(customer) : null;
      const before = { tenant: tenantRow(TENANTS.woodgrove), attempts: attemptsFor(inviteId) };
      const attacker = await stranger(browser);
      const state = await stateFromStart(attacker, link);

      // Woodgrove consented long ago, so an app-only token for it exists: the old hole.
      const response = await attacker.goto(`/consent/callback?admin_consent=True&tenant=${TENANTS.woodgrove}&state=${state}`);
      // The browser is sent to sign in at Woodgrove's own authority; with no Microsoft session there, the account picker.
      expect(response?.status()).toBe(200);
      expect(attacker.url()).toContain(`/${TENANTS.woodgrove}/oauth2/v2.0/authorize`);
      await expect(attacker.getByRole("heading", { name: "Sign in" })).toBeVisible();
      expect(tenantRow(TENANTS.woodgrove)).toEqual(before.tenant);
      expect(attemptsFor(inviteId)).toBe(before.attempts);

      // The attacker signs in where they can, as an admin of their own tenant (Fabrikam): refused.
      await attacker.goto(attacker.url().replace(`/${TENANTS.woodgrove}/`, `/${TENANTS.fabrikam}/`));
      await pickUser(attacker, "Pick an account", "Megan Admin");
      await attacker.getByRole("button", { name: "Sign in" }).click();
      await expect(attacker.getByRole("heading", { name: "You signed in to a different organization" })).toBeVisible();
      await expect(attacker.locator("main")).toContainText(TENANTS.fabrikam);
      await expect(attacker.locator("main")).not.toContainText("Woodgrove");
      await expect(attacker.locator("main")).not.toContainText("woodgrove.example");
      expect(tenantRow(TENANTS.woodgrove)).toEqual(before.tenant);
      expect(attemptsFor(inviteId)).toBe(before.attempts);
      await attacker.context().close();
    });
  }
});

test.describe("consent results belong to the browser that signed in", () => {
  test.use({ storageState: PARTNER_STATE });

  test("the admin who consented sees the result and who confirmed it; another browser with the link sees nothing", async ({ page, browser }) => {
    const link = await createInvite(page, "Fabrikam bound", "fabrikam.example");
    const admin = await stranger(browser);
    await admin.goto(link);
    await admin.getByRole("button", { name: /Continue to Microsoft/ }).click();
    await pickUser(admin, "Signed in as", "Megan Admin");
    await admin.getByRole("button", { name: "Accept" }).click();
    // Microsoft still holds Megan's session from the consent page, so the sign-in is silent.
    await expect(admin).toHaveURL(/\/consent\/result\/[0-9a-f-]{36}$/);
    await expect(admin.getByRole("heading", { name: /is connected/ })).toBeVisible({ timeout: 30_000 });
    await expect(admin.getByTestId("signed-in-as")).toContainText("megan@fabrikam.example");
    // Everything was granted: Exchange.ManageAsApp is not in the Graph token, and must not be called missing for it.
    await expect(admin.getByRole("heading", { name: "Not granted yet" })).toHaveCount(0);
    const resultUrl = admin.url();
    const attemptId = resultUrl.split("/").pop()!;

    const other = await stranger(browser);
    const page404 = await other.goto(resultUrl);
    expect(page404?.status()).toBe(404);
    await expect(other.getByRole("heading", { name: "There is no consent result to show here" })).toBeVisible();
    await expect(other.locator("main")).not.toContainText("Fabrikam");
    const api = await other.request.get(`/api/consent/attempts/${attemptId}`);
    expect(api.status()).toBe(404);
    expect(await api.text()).not.toContain(TENANTS.fabrikam);
    expect((await admin.request.get(`/api/consent/attempts/${attemptId}`)).status()).toBe(200);
    await admin.context().close();
    await other.context().close();
  });

  test("a GET of a start URL starts nothing and writes nothing", async ({ page, browser }) => {
    const link = await createInvite(page, "Prefetched");
    const inviteId = inviteIdOf("Prefetched");
    const visitor = await stranger(browser);
    const response = await visitor.goto(`${link}/start`);
    expect(visitor.url()).toBe(link);
    expect(response?.status()).toBe(200);
    const db = portalDatabase();
    try {
      expect(db.prepare("select count(*) as n from consent_events where invite_id = ?").get(inviteId)).toEqual({ n: 0 });
      expect(db.prepare("select opened_at from invites where id = ?").get(inviteId)).toEqual({ opened_at: null });
    } finally {
      db.close();
    }
    await visitor.context().close();
  });
});
