import "server-only";

import { ConfidentialClientApplication, LogLevel, type Configuration } from "@azure/msal-node";

import { getConfig, type Config } from "@/lib/config";
import { AppError } from "@/lib/errors";
import { KeepAliveNetworkClient } from "@/lib/identity/network-client";

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
      networkClient: new KeepAliveNetworkClient(),
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

/**
 * msal-node's in-memory token cache is scanned whole on every lookup and rewritten on
 * every save, so one client serving a thousand tenants spends its time in the cache
 * (measured with npm run bench:probes). Tenants are therefore spread over a fixed set of
 * clients, each with its own small cache; a tenant always lands on the same client, so
 * its tokens are still reused until shortly before they expire, and each client
 * discovers the authority's metadata once.
 */
export const MSAL_SHARDS = 64;

const globalForMsal = globalThis as unknown as { consentryMsal?: Map<number, ConfidentialClientApplication> };

/**
 * The shard of a tenant. The string hash is mixed (MurmurHash3's finaliser) before it is
 * reduced, so IDs that differ only in their last digits still spread evenly: without it,
 * 1,100 sequential tenant IDs left 8 of the 64 shards empty and put 41 tenants on one.
 */
export function shardOf(key: string): number {
  let hash = 0;
  for (let i = 0; i < key.length; i++) hash = (Math.imul(hash, 31) + key.charCodeAt(i)) >>> 0;
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return (hash >>> 0) % MSAL_SHARDS;
}

/** The ConfidentialClientApplication that serves a tenant (kept across dev hot reloads). */
export function getMsalClient(tenantId = "organizations"): ConfidentialClientApplication {
  const clients = (globalForMsal.consentryMsal ??= new Map());
  const shard = shardOf(tenantId.toLowerCase());
  let client = clients.get(shard);
  if (!client) {
    client = new ConfidentialClientApplication(buildMsalConfiguration(getConfig()));
    clients.set(shard, client);
  }
  return client;
}

/** Drops the cached clients (tests that point the portal at another emulator). */
export function resetMsalClientForTests(): void {
  delete globalForMsal.consentryMsal;
}
