import { mkdirSync } from "node:fs";
import path from "node:path";
import { expect, test as setup } from "@playwright/test";

import { PARTNER_STATE, signIn } from "./support";

setup("a partner signs in through the sandbox and lands on the dashboard", async ({ page }) => {
  await page.goto("/dashboard");
  await expect(page).toHaveURL(/\/signin\?returnTo=%2Fdashboard/);
  await signIn(page, "Alice Partner");
  await expect(page).toHaveURL(/\/dashboard$/);
  await expect(page.getByTestId("signed-in-as")).toHaveText("Alice Partner (onboarding lead)");
  mkdirSync(path.dirname(PARTNER_STATE), { recursive: true });
  await page.context().storageState({ path: PARTNER_STATE });
});
