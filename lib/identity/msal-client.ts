import "server-only";

import { ConfidentialClientApplication, LogLevel, type Configuration } from "@azure/msal-node";

import { z } from "zod";

import { getConfig, type Config } from "@/lib/config";
import { AppError } from "@/lib/errors";
import { IdentityError, localIdentityFailure } from "@/lib/identity/identity-error";
import { KeepAliveNetworkClient } from "@/lib/identity/network-client";
import { logger } from "@/lib/log/logger";
import { httpRequest, parseJson } from "@/lib/net/http";

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
          if (level <= LogLevel.Warning && !message.includes("No client info in response")) logger("msal").warn({ msalLevel: LogLevel[level] }, message);
        },
      },
    },
  };
}

/**
 * msal-node's in-memory token cache is scanned whole on every lookup and rewritten on
 * every save, so one client serving a thousand tenants spends its time in the cache
 * (measured with npm run bench:probes). Each tenant therefore gets its own client, whose
 * cache holds only that tenant's tokens (a client costs about 2 KB and 15 µs to build,
 * about 6 KB of live heap with its two tokens). The most recently used clients are kept; a
 * tenant whose client was dropped simply asks for a new token. 1,000 covers every tenant a
 * bulk run has in flight (at most 32 × 8 per instance) and keeps the heap flat in the number
 * of tenants (10,000 clients held 60 MB more at 10,000 tenants, measured with bench:probes).
 */
export const MAX_TENANT_CLIENTS = 1_000;

interface MsalClients {
  /** The client for partner sign-in (authority organizations, metadata discovered by msal-node). */
  signIn?: ConfidentialClientApplication;
  /** Per-tenant clients, least recently used first. */
  tenants: Map<string, ConfidentialClientApplication>;
  /** The authority's OpenID metadata per authority host, read once and given to every tenant client. */
  metadata: Map<string, Promise<string>>;
}

const globalForMsal = globalThis as unknown as { consentryMsal?: MsalClients };
const clients = (): MsalClients => (globalForMsal.consentryMsal ??= { tenants: new Map(), metadata: new Map() });

/** The ConfidentialClientApplication for partner sign-in (kept across dev hot reloads). */
export function getMsalClient(): ConfidentialClientApplication {
  const all = clients();
  return (all.signIn ??= new ConfidentialClientApplication(buildMsalConfiguration(getConfig())));
}

/**
 * The ConfidentialClientApplication that serves one tenant's app-only tokens. It is given
 * the authority's metadata read once for the cloud, so a new tenant costs a token request
 * and no discovery request; msal-node still puts the tenant in the token endpoint.
 */
export async function getTenantMsalClient(tenantId: string): Promise<ConfidentialClientApplication> {
  const { tenants } = clients();
  const key = tenantId.toLowerCase();
  const existing = tenants.get(key);
  if (existing) {
    tenants.delete(key);
    tenants.set(key, existing);
    return existing;
  }
  const config = getConfig();
  const base = buildMsalConfiguration(config);
  const authorityMetadata = await readAuthorityMetadata(config.cloud.authorityHost);
  // Another request for this tenant may have built its client while the metadata was read.
  const raced = tenants.get(key);
  if (raced) return raced;
  const client = new ConfidentialClientApplication({ ...base, auth: { ...base.auth, authorityMetadata } });
  tenants.set(key, client);
  if (tenants.size > MAX_TENANT_CLIENTS) tenants.delete(tenants.keys().next().value!);
  return client;
}

/** The tenant clients kept, least recently used first (for tests). */
export function tenantClientKeys(): string[] {
  return [...clients().tenants.keys()];
}

/** How long the OpenID metadata read may take before the token request fails. */
const METADATA_TIMEOUT_MS = 30_000;

const metadataSchema = z.object({ token_endpoint: z.string().url(), authorization_endpoint: z.string().url(), issuer: z.string() });

/**
 * The v2.0 OpenID configuration of `${authorityHost}/organizations`, as msal-node would
 * discover it, kept per host once read. A failed read is not kept: the next token asks again.
 * An answer that is not the metadata becomes msal-node's own endpoints_resolution_error.
 */
function readAuthorityMetadata(authorityHost: string): Promise<string> {
  const { metadata } = clients();
  let pending = metadata.get(authorityHost);
  if (!pending) {
    const url = `${authorityHost}/organizations/v2.0/.well-known/openid-configuration`;
    pending = httpRequest({ method: "GET", url, headers: {}, timeoutMs: METADATA_TIMEOUT_MS }).then((answer) => {
      const parsed = answer.status === 200 ? metadataSchema.safeParse(parseJson(answer.text)) : null;
      if (!parsed?.success) {
        throw new IdentityError(localIdentityFailure("endpoints_resolution_error", `The identity platform's OpenID metadata at ${url} could not be read (HTTP ${answer.status}${parsed ? ", not the metadata document" : ""}).`, answer.status));
      }
      return answer.text;
    });
    metadata.set(authorityHost, pending);
    pending.catch(() => metadata.delete(authorityHost));
  }
  return pending;
}

/** Drops the cached clients and metadata (tests that point the portal at another emulator). */
export function resetMsalClientForTests(): void {
  delete globalForMsal.consentryMsal;
}
