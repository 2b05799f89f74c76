import "server-only";

import { createHash, createPrivateKey, randomBytes, X509Certificate, type KeyObject } from "node:crypto";
import { isIP } from "node:net";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";

import { RETIRED_EXCHANGE_CLIENT_ID } from "@/lib/diagnosis/rules/identity";
import { GUID_PATTERN } from "@/lib/identity/tenant-id";
import { DEFAULT_APP_PERMISSIONS, parsePermissionName, permissionKey, type PermissionRef } from "@/lib/permissions/catalog";
import { AppError } from "@/lib/errors";

/**
 * The one place that reads `process.env`. Everything is parsed once, with zod, into
 * typed settings; an empty string counts as unset. A bad value produces a
 * {@link ConfigError} listing every problem with the variable, what is wrong and an
 * example, so start-up can print one paragraph and exit instead of a stack trace.
 */

export const CLOUD_NAMES = ["sandbox", "global", "usgov", "usgov-dod", "china"] as const;
export type CloudName = (typeof CLOUD_NAMES)[number];

export interface CloudEndpoints {
  name: CloudName;
  /** Where msal-node and the server talk to the identity platform (always https). */
  authorityHost: string;
  /** Microsoft Graph (https). */
  graphHost: string;
  /** Exchange Online, for the admin API (https). */
  exchangeHost: string;
  /**
   * Where a person's browser is sent for admin consent and sign-in. The same as the
   * authority host for Microsoft's clouds; the sandbox serves these pages on plain
   * http on loopback so browsers show no certificate warning.
   */
  loginHost: string;
  /** Resource identifiers for `scope=<resource>/.default` and the tokens' `aud`. */
  graphResource: string;
  exchangeResource: string;
}

/**
 * National clouds. Hosts from Microsoft's national-cloud deployment tables for the
 * identity platform, Graph and Exchange Online.
 * @see https://learn.microsoft.com/graph/deployments
 */
export const NATIONAL_CLOUDS: Record<Exclude<CloudName, "sandbox">, Omit<CloudEndpoints, "name" | "loginHost" | "graphResource" | "exchangeResource">> = {
  global: {
    authorityHost: "https://login.microsoftonline.com",
    graphHost: "https://graph.microsoft.com",
    exchangeHost: "https://outlook.office365.com",
  },
  usgov: {
    authorityHost: "https://login.microsoftonline.us",
    graphHost: "https://graph.microsoft.us",
    exchangeHost: "https://outlook.office365.us",
  },
  "usgov-dod": {
    authorityHost: "https://login.microsoftonline.us",
    graphHost: "https://dod-graph.microsoft.us",
    exchangeHost: "https://webmail.apps.mil",
  },
  china: {
    authorityHost: "https://login.partner.microsoftonline.cn",
    graphHost: "https://microsoftgraph.chinacloudapi.cn",
    exchangeHost: "https://partner.outlook.cn",
  },
};

/** A national cloud's endpoints: pages, Graph and Exchange resources live on the same hosts. */
export function nationalCloud(name: Exclude<CloudName, "sandbox">): CloudEndpoints {
  const hosts = NATIONAL_CLOUDS[name];
  return { name, ...hosts, loginHost: hosts.authorityHost, graphResource: hosts.graphHost, exchangeResource: hosts.exchangeHost };
}

/** The demo app registration and partner tenant the sandbox scenario ships with. */
export const SANDBOX_DEFAULTS = {
  clientId: "5e0c1d2a-7b3f-4c59-9a8e-0d6f2b4c8a17",
  partnerTenantId: "8d2f6a41-3c7e-4b90-a1d5-6e9f0b2c4d71",
  authorityHost: "https://127.0.0.1:3100",
} as const;

export type ClientCredential =
  | { kind: "secret"; secret: string }
  | {
      kind: "certificate";
      path: string;
      privateKey: KeyObject;
      privateKeyPem: string;
      certificatePem: string;
      /** Hex SHA-1 of the DER certificate (legacy `x5t`). */
      thumbprintSha1: string;
      /** Hex SHA-256 of the DER certificate (`x5t#S256`). */
      thumbprintSha256: string;
      notAfter: Date;
    };

export type DatabaseSettings =
  | { engine: "sqlite"; path: string }
  | { engine: "postgres"; url: string; /** For logs and pages: the password is masked. */ display: string };

export type AdminConsentVersion = "v1" | "v2";

export interface Config {
  cloud: CloudEndpoints;
  /** Names shown on the consent page. */
  appDisplayName: string;
  partnerDisplayName: string;
  /**
   * APP_PERMISSIONS: the permissions to assume when the app registration cannot be read
   * (a fallback; the registration's `requiredResourceAccess` is what counts).
   */
  fallbackPermissions: PermissionRef[];
  /** @deprecated the role values of {@link fallbackPermissions}; use the current permission set. */
  appPermissions: string[];
  /** Which admin-consent endpoint to send admins to (v1 grants every configured permission). */
  adminConsentVersion: AdminConsentVersion;
  /** Lets any tenant onboard itself through /consent (a "Connect your Microsoft 365" button). */
  openOnboarding: boolean;
  /** How long to keep retrying the verification token while Microsoft replicates a consent. */
  consentVerifyTimeoutSeconds: number;
  clientId: string;
  credential: ClientCredential | null;
  publicBaseUrl: string;
  port: number;
  /** Interface `npm start` listens on. */
  listenHost: string;
  sessionPassword: string;
  database: DatabaseSettings;
  partnerTenantId: string;
  inviteTtlDays: number;
  dataDir: string;
  /**
   * Reverse proxies whose `X-Forwarded-For` is believed (IP addresses or CIDR ranges).
   * Empty: the socket's address is the client's, and the header is ignored.
   */
  trustedProxies: string[];
  /** A partner session ends after this many minutes without a request (besides its 8-hour lifetime). */
  sessionIdleMinutes: number;
}

export interface ConfigProblem {
  variable: string;
  problem: string;
  example: string;
}

/** Settings that need fixing (`invalid_config`), each named with an example value. */
export class ConfigError extends AppError {
  readonly problems: ConfigProblem[];

  constructor(problems: ConfigProblem[]) {
    super("invalid_config", formatProblems(problems));
    this.name = "ConfigError";
    this.problems = problems;
  }
}

function formatProblems(problems: ConfigProblem[]): string {
  const lines = problems.map((p) => `  ${p.variable}: ${p.problem} Example: ${p.variable}=${p.example}`);
  const noun = problems.length === 1 ? "setting needs" : "settings need";
  return `Consentry cannot start: ${problems.length} ${noun} fixing (environment or .env file).\n${lines.join("\n")}`;
}

const GUID = GUID_PATTERN;

type Env = Record<string, string | undefined>;

class Collector {
  readonly problems: ConfigProblem[] = [];

  add(variable: string, problem: string, example: string): void {
    this.problems.push({ variable, problem, example });
  }

  /** Parses one variable with zod; on failure records the first issue and returns undefined. */
  parse<T>(variable: string, raw: string | undefined, schema: z.ZodType<T>, example: string): T | undefined {
    const result = schema.safeParse(raw);
    if (result.success) return result.data;
    const message = result.error.issues[0]?.message ?? "is not valid.";
    this.add(variable, withValue(message, raw), example);
    return undefined;
  }
}

function withValue(message: string, raw: string | undefined): string {
  if (raw === undefined) return message;
  const shown = raw.length > 60 ? `${raw.slice(0, 57)}...` : raw;
  return `${message.replace(/\.$/, "")} (got "${shown}").`;
}

/** Empty and whitespace-only values count as unset. */
function read(env: Env, name: string): string | undefined {
  const value = env[name];
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  return trimmed === "" ? undefined : trimmed;
}

const guidSchema = z.string().regex(GUID, "must be a GUID (8-4-4-4-12 hexadecimal digits).").transform((s) => s.toLowerCase());

function isLoopbackHost(hostname: string): boolean {
  return hostname === "localhost" || hostname === "127.0.0.1" || hostname === "[::1]" || hostname === "::1";
}

function originSchema(opts: { httpsOnly: boolean; loopbackOnly: boolean }) {
  return z.string().transform((value, ctx) => {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      ctx.addIssue({ code: "custom", message: "must be an absolute URL." });
      return z.NEVER;
    }
    if (url.protocol !== "https:" && url.protocol !== "http:") {
      ctx.addIssue({ code: "custom", message: "must start with https:// (or http:// on localhost)." });
      return z.NEVER;
    }
    if (opts.httpsOnly && url.protocol !== "https:") {
      ctx.addIssue({ code: "custom", message: "must use https:// (msal-node refuses plain http authorities)." });
      return z.NEVER;
    }
    if (opts.loopbackOnly && !isLoopbackHost(url.hostname)) {
      ctx.addIssue({ code: "custom", message: "must point at the local sandbox cloud on 127.0.0.1 or localhost." });
      return z.NEVER;
    }
    if (url.search || url.hash || url.username || url.password) {
      ctx.addIssue({ code: "custom", message: "must not contain credentials, a query or a fragment." });
      return z.NEVER;
    }
    return `${url.origin}${url.pathname.replace(/\/+$/, "")}`;
  });
}

/** An IPv4/IPv6 address, or one with a /prefix length that fits its family. */
export function isAddressOrCidr(entry: string): boolean {
  const [address, prefix, ...rest] = entry.split("/");
  if (rest.length || !address) return false;
  const family = isIP(address);
  if (family === 0) return false;
  if (prefix === undefined) return true;
  if (!/^\d{1,3}$/.test(prefix)) return false;
  return Number(prefix) <= (family === 4 ? 32 : 128);
}

function intSchema(min: number, max: number) {
  return z
    .string()
    .regex(/^\d+$/, `must be a whole number from ${min} to ${max}.`)
    .transform(Number)
    .refine((n) => n >= min && n <= max, `must be a whole number from ${min} to ${max}.`);
}

export function parseDatabaseUrl(raw: string, baseDir: string): DatabaseSettings | string {
  if (/^postgres(ql)?:\/\//i.test(raw)) {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      return "is not a valid PostgreSQL URL.";
    }
    if (!url.hostname) return "names no PostgreSQL host.";
    if (url.pathname.replace(/^\//, "") === "") return "names no database (add /<database> after the host).";
    const display = new URL(raw);
    if (display.password) display.password = "****";
    return { engine: "postgres", url: raw, display: display.toString() };
  }
  const sqlite = /^(?:file|sqlite):(.+)$/i.exec(raw);
  if (sqlite) {
    let file = sqlite[1]!;
    if (file.startsWith("//")) file = file.slice(2);
    if (file === "" || file.endsWith("/")) return "names no SQLite file.";
    if (file === ":memory:") return { engine: "sqlite", path: ":memory:" };
    return { engine: "sqlite", path: path.resolve(baseDir, file) };
  }
  return "must start with postgres:// or postgresql:// (PostgreSQL) or file: (an SQLite file).";
}

/** Reads a PEM bundle holding a private key and its certificate and computes both thumbprints. */
export function loadCertificate(filePath: string): ClientCredential | string {
  let pem: string;
  try {
    pem = readFileSync(filePath, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === "ENOENT" ? `names a file that does not exist: ${filePath}.` : `cannot be read (${code ?? "error"}): ${filePath}.`;
  }
  const keyMatch = /-----BEGIN (?:RSA |EC |ENCRYPTED )?PRIVATE KEY-----[\s\S]+?-----END (?:RSA |EC |ENCRYPTED )?PRIVATE KEY-----/.exec(pem);
  const certMatch = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(pem);
  if (!keyMatch && !certMatch) return "names a file that is not PEM (expected a private key and a certificate, each between -----BEGIN/END----- lines).";
  if (!keyMatch) return "names a PEM file without a private key (put the key and the certificate in one file).";
  if (!certMatch) return "names a PEM file without a certificate (put the key and the certificate in one file).";
  if (keyMatch[0].includes("ENCRYPTED")) return "names a PEM file whose private key is encrypted; export it without a passphrase.";
  let privateKey: KeyObject;
  let certificate: X509Certificate;
  try {
    privateKey = createPrivateKey(keyMatch[0]);
  } catch {
    return "holds a private key that cannot be parsed.";
  }
  try {
    certificate = new X509Certificate(certMatch[0]);
  } catch {
    return "holds a certificate that cannot be parsed.";
  }
  if (privateKey.asymmetricKeyType !== "rsa") return "must hold an RSA key (Entra ID client assertions are signed RS256 or PS256).";
  if (!certificate.checkPrivateKey(privateKey)) return "holds a private key that does not belong to its certificate.";
  const notAfter = new Date(certificate.validTo);
  if (notAfter.getTime() < Date.now()) return `holds a certificate that expired on ${notAfter.toISOString().slice(0, 10)}; upload a new one to the app registration.`;
  const der = certificate.raw;
  return {
    kind: "certificate",
    path: filePath,
    privateKey,
    privateKeyPem: keyMatch[0],
    certificatePem: certMatch[0],
    thumbprintSha1: createHash("sha1").update(der).digest("hex").toUpperCase(),
    thumbprintSha256: createHash("sha256").update(der).digest("hex").toUpperCase(),
    notAfter,
  };
}

/**
 * In the sandbox the session password is generated once and kept in the data folder,
 * so a demo needs no setup and sessions survive restarts.
 */
function sandboxSessionPassword(dataDir: string): string | { error: string } {
  const file = path.join(dataDir, "session-password");
  try {
    if (existsSync(file)) {
      const existing = readFileSync(file, "utf8").trim();
      if (existing.length >= 32) return existing;
    }
    mkdirSync(dataDir, { recursive: true });
    const generated = randomBytes(32).toString("base64url");
    writeFileSync(file, `${generated}\n`, { mode: 0o600 });
    chmodSync(file, 0o600);
    return generated;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "error";
    return { error: `is unset and the generated one cannot be kept in ${file} (${code}); make the data folder writable or set SESSION_PASSWORD.` };
  }
}

/**
 * APP_PERMISSIONS, the fallback used only while the app registration cannot be read:
 * comma-separated `Resource/Permission` names (`Graph/…`, `Exchange/…`, `SharePoint/…`;
 * a bare name is Graph's). Any role value is accepted; duplicates are dropped.
 */
export function parseAppPermissions(raw: string): PermissionRef[] {
  const result = appPermissionsSchema.safeParse(raw);
  if (!result.success) throw new AppError("invalid_config", result.error.issues[0]?.message ?? "APP_PERMISSIONS is not valid.");
  return result.data;
}

const appPermissionsSchema = z.string().transform((raw, ctx): PermissionRef[] => {
  const names = raw.split(",").map((p) => p.trim()).filter(Boolean);
  if (names.length === 0) {
    ctx.addIssue({ code: "custom", message: "must name at least one permission, as Resource/Permission." });
    return z.NEVER;
  }
  const bad: string[] = [];
  const seen = new Map<string, PermissionRef>();
  for (const name of names) {
    const parsed = parsePermissionName(name);
    if ("error" in parsed) bad.push(parsed.error);
    else seen.set(permissionKey(parsed), parsed);
  }
  if (bad.length) {
    ctx.addIssue({ code: "custom", message: `is a fallback list of Resource/Permission names (Graph, Exchange or SharePoint; a bare name is Graph); not understood: ${bad.join("; ")}.` });
    return z.NEVER;
  }
  return [...seen.values()];
});

/** Parses an environment into settings. Throws {@link ConfigError} listing every problem. */
export function parseConfig(env: Env, cwd: string = process.cwd()): Config {
  const c = new Collector();

  const parsedCloud = c.parse(
    "PORTAL_CLOUD",
    read(env, "PORTAL_CLOUD"),
    z.enum(CLOUD_NAMES, { message: `must be one of ${CLOUD_NAMES.join(", ")}.` }).default("sandbox"),
    "global",
  );
  // With an invalid cloud the other settings are still checked (as for the sandbox), but nothing is written.
  const cloudName = parsedCloud ?? "sandbox";
  const sandbox = cloudName === "sandbox";

  const dataDir = path.resolve(cwd, read(env, "DATA_DIR") ?? "data");

  let cloud: CloudEndpoints;
  if (sandbox) {
    const host = originSchema({ httpsOnly: true, loopbackOnly: true });
    const example = SANDBOX_DEFAULTS.authorityHost;
    const authorityHost = c.parse("SANDBOX_AUTHORITY_HOST", read(env, "SANDBOX_AUTHORITY_HOST"), host.default(example), example) ?? example;
    const graphHost = c.parse("SANDBOX_GRAPH_HOST", read(env, "SANDBOX_GRAPH_HOST"), host.optional(), example) ?? authorityHost;
    const exchangeHost = c.parse("SANDBOX_EXCHANGE_HOST", read(env, "SANDBOX_EXCHANGE_HOST"), host.optional(), example) ?? authorityHost;
    const loginHost =
      c.parse("SANDBOX_LOGIN_HOST", read(env, "SANDBOX_LOGIN_HOST"), originSchema({ httpsOnly: false, loopbackOnly: true }).optional(), "http://127.0.0.1:3101") ??
      authorityHost;
    // The emulator models the global cloud's resource identifiers, so tokens look like Microsoft's.
    cloud = {
      name: "sandbox",
      authorityHost,
      graphHost,
      exchangeHost,
      loginHost,
      graphResource: NATIONAL_CLOUDS.global.graphHost,
      exchangeResource: NATIONAL_CLOUDS.global.exchangeHost,
    };
  } else {
    cloud = nationalCloud(cloudName);
  }

  const clientIdRaw = read(env, "AZURE_CLIENT_ID");
  let clientId: string = SANDBOX_DEFAULTS.clientId;
  if (clientIdRaw !== undefined) {
    clientId = c.parse("AZURE_CLIENT_ID", clientIdRaw, guidSchema, "5e0c1d2a-7b3f-4c59-9a8e-0d6f2b4c8a17") ?? clientId;
    if (clientId === RETIRED_EXCHANGE_CLIENT_ID) {
      c.add("AZURE_CLIENT_ID", "is the old Exchange Online PowerShell v1 client, which Microsoft switched off at the end of March 2024 and which never allowed app-only access: register your own multi-tenant app and use its Application (client) ID.", "5e0c1d2a-7b3f-4c59-9a8e-0d6f2b4c8a17");
    }
  } else if (!sandbox) {
    c.add("AZURE_CLIENT_ID", "is required: the Application (client) ID of your multi-tenant app registration.", "5e0c1d2a-7b3f-4c59-9a8e-0d6f2b4c8a17");
  }

  const secret = read(env, "AZURE_CLIENT_SECRET");
  const certPath = read(env, "AZURE_CLIENT_CERTIFICATE_PATH");
  let credential: ClientCredential | null = null;
  if (secret !== undefined && certPath !== undefined) {
    c.add("AZURE_CLIENT_SECRET", "and AZURE_CLIENT_CERTIFICATE_PATH are both set; set only one (a certificate is preferred).", "<secret value, not its ID>");
  } else if (certPath !== undefined) {
    const loaded = loadCertificate(path.resolve(cwd, certPath));
    if (typeof loaded === "string") c.add("AZURE_CLIENT_CERTIFICATE_PATH", loaded, "./secrets/consentry.pem");
    else credential = loaded;
  } else if (secret !== undefined) {
    if (GUID.test(secret)) {
      c.add("AZURE_CLIENT_SECRET", "looks like the secret's ID (a GUID), not its value; copy the Value column shown once when the secret was created.", "<secret value>");
    } else {
      credential = { kind: "secret", secret };
    }
  } else if (!sandbox) {
    c.add(
      "AZURE_CLIENT_CERTIFICATE_PATH",
      "or AZURE_CLIENT_SECRET is required: the app needs a credential for client-credentials tokens.",
      "./secrets/consentry.pem",
    );
  }

  const port = c.parse("PORT", read(env, "PORT"), intSchema(1, 65535).default(3000), "3000") ?? 3000;

  const listenHost =
    c.parse(
      "HOST",
      read(env, "HOST"),
      z
        .string()
        .regex(/^(?:[0-9.]+|[0-9a-f:]+|[a-z0-9.-]+)$/i, "must be an IP address or host name to listen on.")
        .default("0.0.0.0"),
      "127.0.0.1",
    ) ?? "0.0.0.0";

  const publicBaseUrl =
    c.parse(
      "PUBLIC_BASE_URL",
      read(env, "PUBLIC_BASE_URL"),
      originSchema({ httpsOnly: false, loopbackOnly: false })
        .refine((u) => sandbox || u.startsWith("https://") || isLoopbackHost(new URL(u).hostname), {
          message: "must use https:// outside localhost (Microsoft only redirects to https reply URLs).",
        })
        .default(`http://localhost:${port}`),
      "https://consentry.example.com",
    ) ?? `http://localhost:${port}`;

  const sessionRaw = read(env, "SESSION_PASSWORD");
  let sessionPassword = "";
  if (sessionRaw !== undefined) {
    if (sessionRaw.length < 32) {
      c.add("SESSION_PASSWORD", `must be at least 32 characters (got ${sessionRaw.length}); generate one with: openssl rand -base64 32.`, "<32+ random characters>");
    } else {
      sessionPassword = sessionRaw;
    }
  } else if (sandbox) {
    if (parsedCloud !== undefined) {
      const generated = sandboxSessionPassword(dataDir);
      if (typeof generated === "string") sessionPassword = generated;
      else c.add("SESSION_PASSWORD", generated.error, "<32+ random characters>");
    }
  } else {
    c.add("SESSION_PASSWORD", "is required outside the sandbox: it seals session cookies; generate one with: openssl rand -base64 32.", "<32+ random characters>");
  }

  const dbExample = "postgres://consentry:secret@db.internal:5432/consentry";
  const dbRaw = read(env, "DATABASE_URL");
  let database: DatabaseSettings = { engine: "sqlite", path: path.join(dataDir, "consentry.sqlite") };
  if (dbRaw !== undefined) {
    const parsed = parseDatabaseUrl(dbRaw, cwd);
    if (typeof parsed === "string") c.add("DATABASE_URL", withValue(parsed, dbRaw.replace(/:[^:@/]*@/, ":****@")), dbExample);
    else database = parsed;
  }

  const partnerRaw = read(env, "PARTNER_TENANT_ID");
  let partnerTenantId: string = SANDBOX_DEFAULTS.partnerTenantId;
  if (partnerRaw !== undefined) {
    partnerTenantId = c.parse("PARTNER_TENANT_ID", partnerRaw, guidSchema, "8d2f6a41-3c7e-4b90-a1d5-6e9f0b2c4d71") ?? partnerTenantId;
  } else if (!sandbox) {
    c.add("PARTNER_TENANT_ID", "is required: the tenant ID whose staff may sign in to the dashboard.", "8d2f6a41-3c7e-4b90-a1d5-6e9f0b2c4d71");
  }

  const inviteTtlDays = c.parse("INVITE_TTL_DAYS", read(env, "INVITE_TTL_DAYS"), intSchema(1, 365).default(14), "14") ?? 14;

  const text = (max: number) => z.string().max(max, `must be at most ${max} characters.`);
  const appDisplayName = c.parse("APP_DISPLAY_NAME", read(env, "APP_DISPLAY_NAME"), text(100).default(sandbox ? "Consentry Demo App" : "Consentry"), "Contoso Mail Archiver") ?? "Consentry";
  const partnerDisplayName =
    c.parse("PARTNER_DISPLAY_NAME", read(env, "PARTNER_DISPLAY_NAME"), text(100).default(sandbox ? "Contoso Partners" : "your service provider"), "Contoso Partners") ??
    "your service provider";

  const fallbackPermissions =
    c.parse("APP_PERMISSIONS", read(env, "APP_PERMISSIONS"), appPermissionsSchema.default(parseAppPermissions(DEFAULT_APP_PERMISSIONS.join(","))), "Graph/User.Read.All,Exchange/Exchange.ManageAsApp,SharePoint/Sites.Read.All") ??
    parseAppPermissions(DEFAULT_APP_PERMISSIONS.join(","));
  const appPermissions = [...new Set(fallbackPermissions.map((p) => p.value))];

  const adminConsentVersion =
    c.parse("ADMIN_CONSENT_VERSION", read(env, "ADMIN_CONSENT_VERSION"), z.enum(["v1", "v2"], { message: "must be v1 or v2." }).default("v1"), "v1") ?? "v1";
  const openOnboarding =
    c.parse(
      "OPEN_ONBOARDING",
      read(env, "OPEN_ONBOARDING"),
      z
        .enum(["true", "false", "1", "0"], { message: "must be true or false." })
        .transform((v) => v === "true" || v === "1")
        .default(false),
      "false",
    ) ?? false;
  const consentVerifyTimeoutSeconds =
    c.parse("CONSENT_VERIFY_TIMEOUT_SECONDS", read(env, "CONSENT_VERIFY_TIMEOUT_SECONDS"), intSchema(5, 900).default(120), "120") ?? 120;

  const trustedProxies =
    c.parse(
      "TRUSTED_PROXIES",
      read(env, "TRUSTED_PROXIES"),
      z
        .string()
        .transform((v) => [...new Set(v.split(",").map((p) => p.trim().toLowerCase()).filter(Boolean))])
        .superRefine((list, ctx) => {
          const bad = list.filter((entry) => !isAddressOrCidr(entry));
          if (bad.length) ctx.addIssue({ code: "custom", message: `must list IP addresses or CIDR ranges; not understood: ${bad.join(", ")}.` });
        })
        .default([]),
      "10.0.0.0/8,127.0.0.1",
    ) ?? [];
  const sessionIdleMinutes = c.parse("SESSION_IDLE_MINUTES", read(env, "SESSION_IDLE_MINUTES"), intSchema(5, 480).default(30), "30") ?? 30;

  if (c.problems.length > 0) throw new ConfigError(c.problems);

  return {
    cloud,
    appDisplayName,
    partnerDisplayName,
    fallbackPermissions,
    appPermissions,
    adminConsentVersion,
    openOnboarding,
    consentVerifyTimeoutSeconds,
    clientId,
    credential,
    publicBaseUrl,
    port,
    listenHost,
    sessionPassword,
    database,
    partnerTenantId,
    inviteTtlDays,
    dataDir,
    trustedProxies,
    sessionIdleMinutes,
  };
}

const globalForConfig = globalThis as unknown as { consentryConfig?: Config };

/** The process's settings, parsed on first use and cached (also across dev hot reloads). */
export function getConfig(): Config {
  globalForConfig.consentryConfig ??= parseConfig(process.env);
  return globalForConfig.consentryConfig;
}

/** Drops the cached settings (tests that change the environment). */
export function resetConfigForTests(): void {
  delete globalForConfig.consentryConfig;
}
