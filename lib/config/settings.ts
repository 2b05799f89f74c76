import "server-only";

import { isIP } from "node:net";
import path from "node:path";
import { z } from "zod";

import { CLOUD_NAMES, NATIONAL_CLOUDS, nationalCloud, SANDBOX_DEFAULTS, type CloudEndpoints } from "@/lib/config/clouds";
import { loadCertificate, type ClientCredential } from "@/lib/config/credentials";
import { parseDatabaseUrl, type DatabaseSettings } from "@/lib/config/database-url";
import { readSandboxSessionPassword } from "@/lib/config/session-password";
import { RETIRED_EXCHANGE_CLIENT_ID } from "@/lib/diagnosis/rules/identity";
import { AppError } from "@/lib/errors";
import { GUID_PATTERN } from "@/lib/identity/tenant-id";
import { LOG_FORMATS, LOG_LEVELS, type LogFormat, type LogLevel } from "@/lib/log/settings";
import { DEFAULT_APP_PERMISSIONS, parsePermissionName, permissionKey, type PermissionRef } from "@/lib/permissions/catalog";

/**
 * The one place that reads `process.env`. Everything is parsed once, with zod, into
 * typed settings; an empty string counts as unset. A bad value produces a
 * {@link ConfigError} listing every problem with the variable, what is wrong and an
 * example, so start-up can print one paragraph and exit instead of a stack trace.
 */

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
  /** MAX_HEAP_MB: the server process's V8 old-generation bound (see DEFAULT_MAX_HEAP_MB). */
  maxHeapMb: number;
  /** LOG_LEVEL and LOG_FORMAT (lib/log/logger.ts). */
  logLevel: LogLevel;
  logFormat: LogFormat;
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

export type Env = Record<string, string | undefined>;

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

/**
 * The V8 old-generation bound `npm start` gives the server process (MAX_HEAP_MB). Without one, V8
 * lets the heap grow to two or three times what is live before collecting it: a bulk run over 10,000
 * tenants (55 MB live) peaked at 310-335 MB RSS; with 256 MB (or 192) it peaked at 220-223 MB, at
 * about the same wall time (npm run bench:probes -- --tenants 10000).
 */
export const DEFAULT_MAX_HEAP_MB = 256;

/**
 * V8's young generation per semi-space, in MB (Node's default is 16). Pages and probes make
 * short-lived garbage; a larger nursery collects it less often and promotes less of it: at 10,000
 * tenants the dashboard's p50 went from 38 to 33 ms and a bulk run's wall from 1.17x to 1.12x its
 * limit, with peak RSS 122 MB and 244 MB (npm run bench:dashboard, bench:probes -- --tenants 10000).
 */
const SEMI_SPACE_MB = 32;

/** The V8 flags `npm start` runs the server with (and bench:probes its portal processes). */
export function serverNodeFlags(settings: Pick<Config, "maxHeapMb">): string[] {
  return [`--max-old-space-size=${settings.maxHeapMb}`, `--max-semi-space-size=${SEMI_SPACE_MB}`];
}

function intSchema(min: number, max: number) {
  return z
    .string()
    .regex(/^\d+$/, `must be a whole number from ${min} to ${max}.`)
    .transform(Number)
    .refine((n) => n >= min && n <= max, `must be a whole number from ${min} to ${max}.`);
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

/** DATA_DIR, resolved against `cwd` (default `data`). */
export function dataDirOf(env: Env, cwd: string): string {
  return path.resolve(cwd, read(env, "DATA_DIR") ?? "data");
}

/** Whether PORTAL_CLOUD selects the sandbox (its default). */
export function isSandboxEnv(env: Env): boolean {
  const cloud = read(env, "PORTAL_CLOUD");
  return cloud === undefined || cloud === "sandbox";
}

/** Parses an environment into settings; reads files (the certificate, the sandbox's session password) but writes none. Throws {@link ConfigError} listing every problem. */
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

  const dataDir = dataDirOf(env, cwd);

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
      const kept = readSandboxSessionPassword(dataDir);
      if ("password" in kept) sessionPassword = kept.password;
      else c.add("SESSION_PASSWORD", kept.error, "<32+ random characters>");
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
  const maxHeapMb = c.parse("MAX_HEAP_MB", read(env, "MAX_HEAP_MB"), intSchema(96, 65_536).default(DEFAULT_MAX_HEAP_MB), String(DEFAULT_MAX_HEAP_MB)) ?? DEFAULT_MAX_HEAP_MB;
  const logLevel = c.parse("LOG_LEVEL", read(env, "LOG_LEVEL"), z.enum(LOG_LEVELS, { message: `must be one of ${LOG_LEVELS.join(", ")}.` }).default("info"), "info") ?? "info";
  const logFormat = c.parse("LOG_FORMAT", read(env, "LOG_FORMAT"), z.enum(LOG_FORMATS, { message: "must be json or pretty." }).default("json"), "json") ?? "json";

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
    maxHeapMb,
    logLevel,
    logFormat,
  };
}
