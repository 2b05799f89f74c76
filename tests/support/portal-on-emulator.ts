import { resetMsalClientForTests } from "@/lib/identity/msal-client";
import { startTestEmulator, type TestEmulator } from "./emulator";
import { configurePortalEnv } from "./portal-env";
import type { EmulatorOptions } from "../../emulator/src/server";

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
