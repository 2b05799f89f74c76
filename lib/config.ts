import "server-only";

import { ensureSandboxSessionPassword } from "@/lib/config/session-password";
import { dataDirOf, isSandboxEnv, parseConfig, type Config } from "@/lib/config/settings";

/**
 * The settings' one public entry. The parts live by concern in lib/config/: the settings
 * schema and its parsing (settings.ts, the one place that reads `process.env`), the clouds,
 * credential loading (credentials.ts), the database URL, and the sandbox's session password.
 */
export { CLOUD_NAMES, NATIONAL_CLOUDS, nationalCloud, SANDBOX_DEFAULTS, type CloudEndpoints, type CloudName } from "@/lib/config/clouds";
export { loadCertificate, type ClientCredential } from "@/lib/config/credentials";
export { parseDatabaseUrl, type DatabaseSettings } from "@/lib/config/database-url";
export { ensureSandboxSessionPassword } from "@/lib/config/session-password";
export { ConfigError, isAddressOrCidr, parseAppPermissions, parseConfig, type AdminConsentVersion, type Config, type ConfigProblem } from "@/lib/config/settings";

const globalForConfig = globalThis as unknown as { consentryConfig?: Config };

/**
 * The process's settings, parsed on first use and cached (also across dev hot reloads). The
 * first use is start-up: in the sandbox it first keeps a generated session password in the
 * data folder (the only write), then parses.
 */
export function getConfig(): Config {
  if (!globalForConfig.consentryConfig) {
    if (isSandboxEnv(process.env) && !process.env.SESSION_PASSWORD?.trim()) ensureSandboxSessionPassword(dataDirOf(process.env, process.cwd()));
    globalForConfig.consentryConfig = parseConfig(process.env);
  }
  return globalForConfig.consentryConfig;
}

/** Drops the cached settings (tests that change the environment). */
export function resetConfigForTests(): void {
  delete globalForConfig.consentryConfig;
}
