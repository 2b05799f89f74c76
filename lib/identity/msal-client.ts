import "server-only";

import { ConfidentialClientApplication, LogLevel, type Configuration } from "@azure/msal-node";

import { getConfig, type Config } from "@/lib/config";
import { AppError } from "@/lib/errors";

/**
 * The msal-node configuration for this installation: authority on the configured
 * cloud (knownAuthorities for the sandbox, whose host msal-node does not know), and
 * the app's secret or certificate. Tokens for each tenant are requested with a
 * per-request authority, so one client keeps every tenant's tokens apart.
 */
export function buildMsalConfiguration(config: Config): Configuration {
  const credential = config.credential;
  if (!credential) {
    throw new AppError(
      "credential_missing",
      "No app credential is configured: set AZURE_CLIENT_CERTIFICATE_PATH or AZURE_CLIENT_SECRET (npm run demo sets the sandbox app's certificate).",
      { status: 503 },
    );
  }
  const authorityHost = config.cloud.authorityHost;
  return {
    auth: {
      clientId: config.clientId,
      authority: `${authorityHost}/organizations`,
      ...(config.cloud.name === "sandbox" ? { knownAuthorities: [new URL(authorityHost).host] } : {}),
      ...(credential.kind === "secret"
        ? { clientSecret: credential.secret }
        : { clientCertificate: { thumbprintSha256: credential.thumbprintSha256, privateKey: credential.privateKeyPem } }),
    },
    system: {
      loggerOptions: {
        // Never log personal data or tokens; warnings and errors only.
        piiLoggingEnabled: false,
        logLevel: LogLevel.Warning,
        loggerCallback: (level, message) => {
          // Client-credential answers never carry client_info; msal-node warns about it on every token.
          if (level <= LogLevel.Warning && !message.includes("No client info in response")) console.warn(`[msal] ${message}`);
        },
      },
    },
  };
}

const globalForMsal = globalThis as unknown as { consentryMsal?: ConfidentialClientApplication };

/** The process's one ConfidentialClientApplication (kept across dev hot reloads). */
export function getMsalClient(): ConfidentialClientApplication {
  globalForMsal.consentryMsal ??= new ConfidentialClientApplication(buildMsalConfiguration(getConfig()));
  return globalForMsal.consentryMsal;
}

/** Drops the cached client (tests that point the portal at another emulator). */
export function resetMsalClientForTests(): void {
  delete globalForMsal.consentryMsal;
}
