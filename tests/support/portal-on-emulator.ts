import { afterAll, beforeAll } from "vitest";

import { resetMsalClientForTests } from "@/lib/identity/msal-client";
import { createTestDatabase, type TestDatabase } from "./databases";
import { startTestEmulator, type TestEmulator } from "./emulator";
import { configurePortalEnv } from "./portal-env";
import type { EmulatorOptions } from "../../emulator/src/start-emulator";

/** An emulator in this process, and lib/config + msal-node pointed at it with the demo app's certificate. */
export async function startPortalOnEmulator(options: Partial<EmulatorOptions> = {}): Promise<TestEmulator & { dispose(): Promise<void> }> {
  const emu = await startTestEmulator(options);
  configurePortalEnv({
    SANDBOX_AUTHORITY_HOST: emu.authorityHost,
    SANDBOX_LOGIN_HOST: emu.loginHost,
    AZURE_CLIENT_CERTIFICATE_PATH: emu.certificatePath,
  });
  resetMsalClientForTests();
  return emu;
}

export interface PortalOnEmulator {
  emu: TestEmulator & { dispose(): Promise<void> };
  database: TestDatabase;
}

/**
 * For a test file that runs the portal's code against a sandbox and a real SQLite
 * database: started before the file's tests (then `setup` runs), disposed after them.
 */
export function setUpPortalOnEmulator(setup?: (portal: PortalOnEmulator) => Promise<void>): PortalOnEmulator {
  const portal = {} as PortalOnEmulator;
  beforeAll(async () => {
    portal.emu = await startPortalOnEmulator();
    portal.database = await createTestDatabase("sqlite");
    await setup?.(portal);
  });
  afterAll(async () => {
    await portal.database?.dispose();
    await portal.emu?.dispose();
  });
  return portal;
}
