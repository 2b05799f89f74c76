import { mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";

import { ConfigError, ensureSandboxSessionPassword, NATIONAL_CLOUDS, SANDBOX_DEFAULTS, parseConfig, parseDatabaseUrl } from "@/lib/config";
import { serverNodeFlags } from "@/lib/config/settings";
import { createSelfSignedCertificate, type TestCertificate } from "../support/certificates";

const CLIENT_ID = "0f1e2d3c-4b5a-6978-8a9b-acbdcedf0011";
const TENANT_ID = "8d2f6a41-3c7e-4b90-a1d5-6e9f0b2c4d71";
const SESSION = "x".repeat(32);

function emptyDir(): string {
  return mkdtempSync(path.join(os.tmpdir(), "consentry-config-"));
}

/** A working folder as start-up leaves it: in the sandbox, a session password kept in data/. */
function tempDir(): string {
  const cwd = emptyDir();
  ensureSandboxSessionPassword(path.join(cwd, "data"));
  return cwd;
}

/** A complete, valid configuration for the global cloud; tests override one variable at a time. */
function globalEnv(overrides: Record<string, string | undefined> = {}) {
  return {
    PORTAL_CLOUD: "global",
    AZURE_CLIENT_ID: CLIENT_ID,
    AZURE_CLIENT_SECRET: "s3cr3t~value.from.portal",
    PARTNER_TENANT_ID: TENANT_ID,
    SESSION_PASSWORD: SESSION,
    PUBLIC_BASE_URL: "https://consentry.example.com",
    ...overrides,
  };
}

function problemsOf(env: Record<string, string | undefined>, cwd = tempDir()) {
  try {
    parseConfig(env, cwd);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error("expected the configuration to be rejected");
}

describe("parseConfig: the sandbox default", () => {
  it("starts with no variables at all, on the sandbox cloud and an SQLite file in ./data", () => {
    const cwd = tempDir();
    const config = parseConfig({}, cwd);
    expect(config.cloud).toEqual({
      name: "sandbox",
      authorityHost: SANDBOX_DEFAULTS.authorityHost,
      graphHost: SANDBOX_DEFAULTS.authorityHost,
      exchangeHost: SANDBOX_DEFAULTS.authorityHost,
      loginHost: SANDBOX_DEFAULTS.authorityHost,
      graphResource: "https://graph.microsoft.com",
      exchangeResource: "https://outlook.office365.com",
    });
    expect(config.database).toEqual({ engine: "sqlite", path: path.join(cwd, "data", "consentry.sqlite") });
    expect(config.port).toBe(3000);
    expect(config.publicBaseUrl).toBe("http://localhost:3000");
    expect(config.clientId).toBe(SANDBOX_DEFAULTS.clientId);
    expect(config.partnerTenantId).toBe(SANDBOX_DEFAULTS.partnerTenantId);
    expect(config.credential).toBeNull();
    expect(config.inviteTtlDays).toBe(14);
    expect(config.adminConsentVersion).toBe("v1");
    expect(config.openOnboarding).toBe(false);
    expect(config.consentVerifyTimeoutSeconds).toBe(120);
    expect(config.appPermissions).toContain("Exchange.ManageAsApp");
    expect(config.appDisplayName).toBe("Consentry Demo App");
  });

  it("reads the permission list, the consent endpoint version and the open-onboarding flag", () => {
    const config = parseConfig({ APP_PERMISSIONS: "Mail.Read, Organization.Read.All,Mail.Read", ADMIN_CONSENT_VERSION: "v2", OPEN_ONBOARDING: "true" }, tempDir());
    expect(config.appPermissions).toEqual(["Mail.Read", "Organization.Read.All"]);
    expect(config.fallbackPermissions).toEqual([
      { resource: "graph", value: "Mail.Read" },
      { resource: "graph", value: "Organization.Read.All" },
    ]);
    expect(config.adminConsentVersion).toBe("v2");
    expect(config.openOnboarding).toBe(true);
  });

  it("accepts any Resource/Permission in APP_PERMISSIONS, a bare name meaning Graph", () => {
    const config = parseConfig({ APP_PERMISSIONS: "Graph/Sites.Read.All, exchange/full_access_as_app,SharePoint/Sites.FullControl.All,Group.Read.All,Graph/Group.Read.All" }, tempDir());
    expect(config.fallbackPermissions).toEqual([
      { resource: "graph", value: "Sites.Read.All" },
      { resource: "exchange", value: "full_access_as_app" },
      { resource: "sharepoint", value: "Sites.FullControl.All" },
      { resource: "graph", value: "Group.Read.All" },
    ]);
  });

  it("falls back to the demo's permissions, Exchange.ManageAsApp under Exchange", () => {
    expect(parseConfig({}, tempDir()).fallbackPermissions).toContainEqual({ resource: "exchange", value: "Exchange.ManageAsApp" });
  });

  it("keeps a generated session password in the data folder with mode 0600, once, and parsing reads it", () => {
    const cwd = emptyDir();
    const dataDir = path.join(cwd, "data");
    ensureSandboxSessionPassword(dataDir);
    const file = path.join(dataDir, "session-password");
    const first = readFileSync(file, "utf8").trim();
    expect(first.length).toBeGreaterThanOrEqual(32);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    ensureSandboxSessionPassword(dataDir);
    expect(readFileSync(file, "utf8").trim()).toBe(first);
    expect(parseConfig({}, cwd).sessionPassword).toBe(first);
  });

  it("writes nothing while parsing: without a kept session password the sandbox names SESSION_PASSWORD and the fix", () => {
    const cwd = emptyDir();
    const problems = problemsOf({}, cwd);
    expect(problems).toEqual([expect.objectContaining({ variable: "SESSION_PASSWORD", problem: expect.stringMatching(/data\/session-password .*make the data folder writable .*or set SESSION_PASSWORD/) })]);
    expect(() => statSync(path.join(cwd, "data"))).toThrow();
  });

  it("refuses a kept session password shorter than 32 characters", () => {
    const cwd = emptyDir();
    mkdirSync(path.join(cwd, "data"));
    writeFileSync(path.join(cwd, "data", "session-password"), "short\n");
    expect(problemsOf({}, cwd)).toEqual([expect.objectContaining({ variable: "SESSION_PASSWORD", problem: expect.stringMatching(/fewer than 32 characters/) })]);
  });

  it("writes nothing when PORTAL_CLOUD is invalid", () => {
    const cwd = emptyDir();
    problemsOf({ PORTAL_CLOUD: "nonsense" }, cwd);
    expect(() => statSync(path.join(cwd, "data"))).toThrow();
  });

  it("reads trusted proxies (addresses and CIDR ranges) and the partner idle timeout, with safe defaults", () => {
    const defaults = parseConfig({}, tempDir());
    expect(defaults.trustedProxies).toEqual([]);
    expect(defaults.sessionIdleMinutes).toBe(30);
    const config = parseConfig({ TRUSTED_PROXIES: "10.0.0.0/8, 127.0.0.1,::1,fd00::/8,10.0.0.0/8", SESSION_IDLE_MINUTES: "15" }, tempDir());
    expect(config.trustedProxies).toEqual(["10.0.0.0/8", "127.0.0.1", "::1", "fd00::/8"]);
    expect(config.sessionIdleMinutes).toBe(15);
  });

  it("bounds the server's heap at 256 MB unless MAX_HEAP_MB says otherwise", () => {
    expect(parseConfig({}, tempDir()).maxHeapMb).toBe(256);
    expect(parseConfig({ MAX_HEAP_MB: "512" }, tempDir()).maxHeapMb).toBe(512);
    expect(serverNodeFlags({ maxHeapMb: 512 })).toEqual(["--max-old-space-size=512", "--max-semi-space-size=32"]);
  });

  it.each([
    ["TRUSTED_PROXIES", "10.0.0.0/33", /not understood: 10\.0\.0\.0\/33/],
    ["TRUSTED_PROXIES", "proxy.internal", /IP addresses or CIDR ranges/],
    ["TRUSTED_PROXIES", "10.0.0.1/8/2", /not understood/],
    ["SESSION_IDLE_MINUTES", "0", /./],
    ["SESSION_IDLE_MINUTES", "thirty", /./],
    ["MAX_HEAP_MB", "64", /from 96 to 65536/],
    ["MAX_HEAP_MB", "1GB", /whole number/],
  ])("refuses %s=%s, naming the variable", (variable, value, message) => {
    const problems = problemsOf({ [variable]: value });
    expect(problems).toContainEqual(expect.objectContaining({ variable, problem: expect.stringMatching(message) }));
  });

  it("treats empty and blank strings as unset", () => {
    const config = parseConfig({ PORTAL_CLOUD: "", PORT: "  ", DATABASE_URL: "", AZURE_CLIENT_SECRET: "" }, tempDir());
    expect(config.cloud.name).toBe("sandbox");
    expect(config.port).toBe(3000);
    expect(config.credential).toBeNull();
  });

  it("accepts sandbox hosts on loopback and derives Graph and Exchange from the authority", () => {
    const config = parseConfig({ SANDBOX_AUTHORITY_HOST: "https://127.0.0.1:4443/", SANDBOX_LOGIN_HOST: "http://127.0.0.1:4444" }, tempDir());
    expect(config.cloud.authorityHost).toBe("https://127.0.0.1:4443");
    expect(config.cloud.graphHost).toBe("https://127.0.0.1:4443");
    expect(config.cloud.exchangeHost).toBe("https://127.0.0.1:4443");
    expect(config.cloud.loginHost).toBe("http://127.0.0.1:4444");
  });
});

describe("parseConfig: national clouds", () => {
  it.each(Object.entries(NATIONAL_CLOUDS))("maps %s to its authority, Graph and Exchange hosts", (name, hosts) => {
    const config = parseConfig(globalEnv({ PORTAL_CLOUD: name }), tempDir());
    expect(config.cloud).toEqual({ name, ...hosts, loginHost: hosts.authorityHost, graphResource: hosts.graphHost, exchangeResource: hosts.exchangeHost });
    expect(config.cloud.authorityHost.startsWith("https://")).toBe(true);
  });

  it("accepts a complete global configuration", () => {
    const config = parseConfig(globalEnv({ PORT: "8080", INVITE_TTL_DAYS: "30" }), tempDir());
    expect(config.clientId).toBe(CLIENT_ID);
    expect(config.credential).toEqual({ kind: "secret", secret: "s3cr3t~value.from.portal" });
    expect(config.partnerTenantId).toBe(TENANT_ID);
    expect(config.port).toBe(8080);
    expect(config.inviteTtlDays).toBe(30);
  });

  it("lower-cases GUIDs", () => {
    const config = parseConfig(globalEnv({ AZURE_CLIENT_ID: CLIENT_ID.toUpperCase() }), tempDir());
    expect(config.clientId).toBe(CLIENT_ID);
  });

  it("lists every missing requirement at once", () => {
    const problems = problemsOf({ PORTAL_CLOUD: "global" });
    expect(problems.map((p) => p.variable).sort()).toEqual(
      ["AZURE_CLIENT_CERTIFICATE_PATH", "AZURE_CLIENT_ID", "PARTNER_TENANT_ID", "SESSION_PASSWORD"].sort(),
    );
  });
});

describe("parseConfig: rejected values name the variable, the problem and an example", () => {
  const cases: { name: string; env: Record<string, string | undefined>; variable: string; problem: RegExp }[] = [
    { name: "an unknown cloud", env: { PORTAL_CLOUD: "nonsense" }, variable: "PORTAL_CLOUD", problem: /sandbox, global, usgov, usgov-dod, china.*nonsense/ },
    { name: "a client ID that is not a GUID", env: globalEnv({ AZURE_CLIENT_ID: "my-app" }), variable: "AZURE_CLIENT_ID", problem: /GUID/ },
    { name: "the retired Exchange Online PowerShell client", env: globalEnv({ AZURE_CLIENT_ID: "a0c73c16-a7e3-4564-9a95-2bdf47383716" }), variable: "AZURE_CLIENT_ID", problem: /switched off at the end of March 2024/ },
    { name: "the secret's ID instead of its value", env: globalEnv({ AZURE_CLIENT_SECRET: CLIENT_ID }), variable: "AZURE_CLIENT_SECRET", problem: /secret's ID/ },
    {
      name: "both a secret and a certificate",
      env: globalEnv({ AZURE_CLIENT_CERTIFICATE_PATH: "/nowhere.pem" }),
      variable: "AZURE_CLIENT_SECRET",
      problem: /both set/,
    },
    {
      name: "a missing certificate file",
      env: globalEnv({ AZURE_CLIENT_SECRET: undefined, AZURE_CLIENT_CERTIFICATE_PATH: "/nowhere/app.pem" }),
      variable: "AZURE_CLIENT_CERTIFICATE_PATH",
      problem: /does not exist/,
    },
    { name: "a short session password", env: globalEnv({ SESSION_PASSWORD: "short" }), variable: "SESSION_PASSWORD", problem: /at least 32 characters \(got 5\)/ },
    { name: "no session password outside the sandbox", env: globalEnv({ SESSION_PASSWORD: undefined }), variable: "SESSION_PASSWORD", problem: /required/ },
    { name: "a malformed database URL", env: { DATABASE_URL: "mysql://db/consentry" }, variable: "DATABASE_URL", problem: /postgres:\/\//i },
    { name: "a PostgreSQL URL without a database", env: { DATABASE_URL: "postgres://db.internal:5432" }, variable: "DATABASE_URL", problem: /names no database/ },
    { name: "a partner tenant that is not a GUID", env: globalEnv({ PARTNER_TENANT_ID: "contoso.com" }), variable: "PARTNER_TENANT_ID", problem: /GUID/ },
    { name: "a base URL that is not a URL", env: { PUBLIC_BASE_URL: "consentry" }, variable: "PUBLIC_BASE_URL", problem: /absolute URL/ },
    { name: "a base URL with a query", env: { PUBLIC_BASE_URL: "https://a.example/?x=1" }, variable: "PUBLIC_BASE_URL", problem: /query/ },
    {
      name: "a plain-http base URL outside localhost on a real cloud",
      env: globalEnv({ PUBLIC_BASE_URL: "http://consentry.example.com" }),
      variable: "PUBLIC_BASE_URL",
      problem: /https/,
    },
    { name: "a port out of range", env: { PORT: "70000" }, variable: "PORT", problem: /1 to 65535/ },
    { name: "a port that is not a number", env: { PORT: "http" }, variable: "PORT", problem: /whole number/ },
    { name: "an invite lifetime of zero days", env: { INVITE_TTL_DAYS: "0" }, variable: "INVITE_TTL_DAYS", problem: /1 to 365/ },
    { name: "a sandbox host that is not loopback", env: { SANDBOX_AUTHORITY_HOST: "https://login.microsoftonline.com" }, variable: "SANDBOX_AUTHORITY_HOST", problem: /127\.0\.0\.1/ },
    { name: "a plain-http sandbox authority", env: { SANDBOX_AUTHORITY_HOST: "http://127.0.0.1:3100" }, variable: "SANDBOX_AUTHORITY_HOST", problem: /https/ },
    { name: "a sandbox login host off loopback", env: { SANDBOX_LOGIN_HOST: "http://example.com:3101" }, variable: "SANDBOX_LOGIN_HOST", problem: /127\.0\.0\.1/ },
    { name: "a host with spaces", env: { HOST: "local host" }, variable: "HOST", problem: /IP address or host name/ },
    { name: "an unknown resource", env: { APP_PERMISSIONS: "Mail.Read,Outlook/Mail.Send" }, variable: "APP_PERMISSIONS", problem: /fallback.*"Outlook\/Mail\.Send" names an unknown resource "Outlook"/ },
    { name: "a name with spaces", env: { APP_PERMISSIONS: "Graph/Mail Read,Exchange/" }, variable: "APP_PERMISSIONS", problem: /"Graph\/Mail Read" is not a permission name.*"Exchange\/" is not a permission name/ },
    { name: "an empty permission list", env: { APP_PERMISSIONS: " , " }, variable: "APP_PERMISSIONS", problem: /at least one/ },
    { name: "an unknown consent endpoint version", env: { ADMIN_CONSENT_VERSION: "v3" }, variable: "ADMIN_CONSENT_VERSION", problem: /v1 or v2/ },
    { name: "a flag that is not a boolean", env: { OPEN_ONBOARDING: "yes" }, variable: "OPEN_ONBOARDING", problem: /true or false/ },
    { name: "a verification timeout under 5 s", env: { CONSENT_VERIFY_TIMEOUT_SECONDS: "1" }, variable: "CONSENT_VERIFY_TIMEOUT_SECONDS", problem: /5 to 900/ },
    { name: "an app name longer than 100 characters", env: { APP_DISPLAY_NAME: "x".repeat(101) }, variable: "APP_DISPLAY_NAME", problem: /at most 100/ },
  ];

  it.each(cases)("rejects $name", ({ env, variable, problem }) => {
    const problems = problemsOf(env);
    const found = problems.find((p) => p.variable === variable);
    expect(found, `no problem reported for ${variable}: ${JSON.stringify(problems)}`).toBeDefined();
    expect(found!.problem).toMatch(problem);
    expect(found!.example.length).toBeGreaterThan(0);
  });

  it("formats one paragraph that names each variable with an example", () => {
    try {
      parseConfig({ PORTAL_CLOUD: "nonsense", PORT: "x" }, tempDir());
      throw new Error("expected a ConfigError");
    } catch (error) {
      const message = (error as Error).message;
      expect(message).toMatch(/^Consentry cannot start: 2 settings need fixing/);
      expect(message).toContain('PORTAL_CLOUD: must be one of sandbox, global, usgov, usgov-dod, china (got "nonsense"). Example: PORTAL_CLOUD=global');
      expect(message).toContain("PORT: must be a whole number");
      expect(message).not.toMatch(/\n\s+at /);
    }
  });

  it("never echoes a PostgreSQL password in the message", () => {
    const problems = problemsOf({ DATABASE_URL: "postgresql://u:hunter2@db.internal:5432" });
    expect(JSON.stringify(problems)).not.toContain("hunter2");
  });
});

describe("parseDatabaseUrl", () => {
  it.each([
    ["file:./data/app.sqlite", { engine: "sqlite", path: "/base/data/app.sqlite" }],
    ["sqlite:/var/lib/consentry.db", { engine: "sqlite", path: "/var/lib/consentry.db" }],
    ["file::memory:", { engine: "sqlite", path: ":memory:" }],
  ])("reads %s as SQLite", (raw, expected) => {
    expect(parseDatabaseUrl(raw, "/base")).toEqual(expected);
  });

  it("reads postgres:// and postgresql:// as PostgreSQL and masks the password for display", () => {
    const settings = parseDatabaseUrl("postgresql://app:pw@db:5432/consentry?sslmode=require", "/base");
    expect(settings).toEqual({
      engine: "postgres",
      url: "postgresql://app:pw@db:5432/consentry?sslmode=require",
      display: "postgresql://app:****@db:5432/consentry?sslmode=require",
    });
    expect(parseDatabaseUrl("postgres://db/consentry", "/base")).toMatchObject({ engine: "postgres" });
  });
});

describe("parseConfig: certificate credentials", () => {
  let cert: TestCertificate;
  let other: TestCertificate;
  beforeAll(async () => {
    cert = await createSelfSignedCertificate();
    other = await createSelfSignedCertificate({ commonName: "Another" });
  });

  function withPem(content: string) {
    const dir = tempDir();
    const file = path.join(dir, "app.pem");
    writeFileSync(file, content);
    return globalEnv({ AZURE_CLIENT_SECRET: undefined, AZURE_CLIENT_CERTIFICATE_PATH: file });
  }

  it("loads key and certificate from one PEM and computes both thumbprints", async () => {
    const config = parseConfig(withPem(cert.keyPem + cert.certPem), tempDir());
    const credential = config.credential;
    expect(credential?.kind).toBe("certificate");
    if (credential?.kind !== "certificate") return;
    expect(credential.thumbprintSha1).toMatch(/^[0-9A-F]{40}$/);
    expect(credential.thumbprintSha256).toMatch(/^[0-9A-F]{64}$/);
    const { X509Certificate, createHash } = await import("node:crypto");
    const der = new X509Certificate(cert.certPem).raw;
    expect(credential.thumbprintSha256).toBe(createHash("sha256").update(der).digest("hex").toUpperCase());
    expect(credential.notAfter.getTime()).toBeGreaterThan(Date.now());
  });

  it.each([
    ["a file that is not PEM", () => "this is not a certificate", /not PEM/],
    ["a PEM without a key", () => cert.certPem, /without a private key/],
    ["a PEM without a certificate", () => cert.keyPem, /without a certificate/],
    ["a key that belongs to another certificate", () => other.keyPem + cert.certPem, /does not belong/],
  ])("rejects %s", (_name, content, problem) => {
    const problems = problemsOf(withPem(content()));
    expect(problems).toHaveLength(1);
    expect(problems[0]!.variable).toBe("AZURE_CLIENT_CERTIFICATE_PATH");
    expect(problems[0]!.problem).toMatch(problem);
  });

  it("rejects an expired certificate and says when it expired", async () => {
    const expired = await createSelfSignedCertificate({ notBefore: new Date("2020-01-01T00:00:00Z"), notAfter: new Date("2021-01-01T00:00:00Z") });
    const problems = problemsOf(withPem(expired.keyPem + expired.certPem));
    expect(problems[0]!.problem).toMatch(/expired on 2021-01-01/);
  });
});
