import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";

import { resetConfigForTests } from "@/lib/config";

/** Points lib/config at a throwaway data folder and a fixed session password for this test file. */
export function configurePortalEnv(extra: Record<string, string> = {}): void {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "consentry-portal-"));
  Object.assign(process.env, { PORTAL_CLOUD: "sandbox", DATA_DIR: dataDir, SESSION_PASSWORD: "test-session-password-0123456789abcdef", PUBLIC_BASE_URL: "http://localhost:3000", ...extra });
  resetConfigForTests();
}
