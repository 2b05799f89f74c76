import { readFileSync } from "node:fs";
import { ConfidentialClientApplication } from "@azure/msal-node";
import { decodeJwt, decodeProtectedHeader, SignJWT } from "jose";
import { createPrivateKey } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { DEMO_APP_ID, TENANTS, defaultScenario, startTestEmulator, type TestEmulator } from "../../support/emulator";

const GRAPH = "https://graph.microsoft.com/.default";
const EXCHANGE = "https://outlook.office365.com/.default";

let emu: TestEmulator & { dispose(): Promise<void> };
let clock = Date.now();

beforeAll(async () => {
  emu = await startTestEmulator({ now: () => clock });
});
afterAll(async () => {
  await emu?.dispose();
});

/** A client configured the way lib/identity configures msal-node: emulator authority, knownAuthorities, CA from NODE_EXTRA_CA_CERTS. */
function secretClient(secret = emu.secret, clientId = DEMO_APP_ID) {
  return new ConfidentialClientApplication({
    auth: { clientId, authority: `${emu.authorityHost}/organizations`, clientSecret: secret, knownAuthorities: [emu.host] },
  });
}

function certificateClient(kind: "sha256" | "sha1") {
  const privateKey = readFileSync(emu.certificatePath, "utf8");
  return new ConfidentialClientApplication({
    auth: {
      clientId: DEMO_APP_ID,
      authority: `${emu.authorityHost}/organizations`,
      knownAuthorities: [emu.host],
      clientCertificate: kind === "sha256" ? { thumbprintSha256: emu.thumbprintSha256, privateKey } : { thumbprint: emu.thumbprintSha1, privateKey },
    },
  });
}

async function tokenFor(client: ConfidentialClientApplication, tenant: string, scope = GRAPH) {
  const result = await client.acquireTokenByClientCredential({ scopes: [scope], authority: `${emu.authorityHost}/${tenant}`, skipCache: true });
  if (!result) throw new Error("no result");
  return { token: result.accessToken, claims: decodeJwt(result.accessToken) as Record<string, unknown>, header: decodeProtectedHeader(result.accessToken) };
}

async function msalError(promise: Promise<unknown>): Promise<{ errorCode: string; errorMessage: string; subError?: string }> {
  try {
    await promise;
  } catch (error) {
    return error as { errorCode: string; errorMessage: string };
  }
  throw new Error("expected msal-node to fail");
}

/** Posts a client-credentials request by hand, to see the raw error body. */
async function rawToken(tenant: string, fields: Record<string, string>) {
  const response = await fetch(`${emu.authorityHost}/${tenant}/oauth2/v2.0/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", "client-request-id": "11111111-2222-4333-8444-555555555555" },
    body: new URLSearchParams({ grant_type: "client_credentials", client_id: DEMO_APP_ID, scope: GRAPH, ...fields }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

function expectMicrosoftErrorShape(body: Record<string, unknown>, code: number) {
  expect(Object.keys(body).sort()).toEqual(["correlation_id", "error", "error_codes", "error_description", "error_uri", "timestamp", "trace_id"]);
  expect(body.error_codes).toEqual([code]);
  expect(body.error_description).toMatch(new RegExp(`^AADSTS${code}: .+\\r\\nTrace ID: [0-9a-f-]{36}\\r\\nCorrelation ID: [0-9a-f-]{36}\\r\\nTimestamp: \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\dZ$`));
  expect(body.trace_id).toMatch(/^[0-9a-f-]{36}$/);
  expect(body.timestamp).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$/);
}

describe("client credentials through msal-node", () => {
  it("gets a Graph token with a secret whose claims are the v1 app-only claims with the consented roles", async () => {
    const { claims, header } = await tokenFor(secretClient(), TENANTS.northwind);
    expect(header).toMatchObject({ alg: "RS256", typ: "JWT" });
    expect(claims).toMatchObject({
      aud: "https://graph.microsoft.com",
      iss: `https://sts.windows.net/${TENANTS.northwind}/`,
      appid: DEMO_APP_ID,
      appidacr: "1",
      idtyp: "app",
      tid: TENANTS.northwind,
      ver: "1.0",
    });
    expect(claims.oid).toBe(claims.sub);
    expect(claims.roles).toEqual([
      "Application.Read.All",
      "AuditLog.Read.All",
      "Calendars.Read",
      "Contacts.Read",
      "Domain.Read.All",
      "Group.Read.All",
      "Mail.Read",
      "MailboxSettings.Read",
      "Organization.Read.All",
      "ServiceHealth.Read.All",
      "Sites.Read.All",
      "User.Read.All",
    ]);
    expect(Number(claims.exp) - Number(claims.iat)).toBeGreaterThan(3000);
  });

  it("gets a token with a certificate (PS256, x5t#S256), marked appidacr 2", async () => {
    const { claims } = await tokenFor(certificateClient("sha256"), TENANTS.northwind);
    expect(claims.appidacr).toBe("2");
  });

  it("gets a token with a certificate named by its SHA-1 thumbprint (RS256, x5t)", async () => {
    const { claims } = await tokenFor(certificateClient("sha1"), TENANTS.woodgrove);
    expect(claims).toMatchObject({ appidacr: "2", tid: TENANTS.woodgrove, roles: ["Organization.Read.All", "User.Read.All"] });
  });

  it("addresses a tenant by a verified domain as well as by GUID", async () => {
    const { claims } = await tokenFor(secretClient(), "woodgrove.example");
    expect(claims.tid).toBe(TENANTS.woodgrove);
  });

  it("gets an Exchange token with Exchange.ManageAsApp", async () => {
    const { claims } = await tokenFor(secretClient(), TENANTS.northwind, EXCHANGE);
    expect(claims).toMatchObject({ aud: "https://outlook.office365.com", roles: ["Exchange.ManageAsApp", "full_access_as_app"] });
  });

  it("omits roles when nothing was granted for the resource", async () => {
    const { claims } = await tokenFor(secretClient(), TENANTS.woodgrove, EXCHANGE);
    expect(claims).not.toHaveProperty("roles");
  });
});

describe("token errors, in Microsoft's shape", () => {
  it.each([
    ["an unconsented tenant", TENANTS.fabrikam, undefined, 7000229, "invalid_client"],
    ["a wrong secret", TENANTS.northwind, "not-the-secret-value", 7000215, "invalid_client"],
  ] as const)("msal-node reports AADSTS for %s", async (_name, tenant, secret, code, error) => {
    const failure = await msalError(tokenFor(secretClient(secret), tenant));
    expect(failure.errorCode).toBe(error);
    expect(failure.errorMessage).toContain(`AADSTS${code}:`);
  });

  it("fails discovery for an unknown tenant, as against Entra ID, whose metadata answers AADSTS90002", async () => {
    const tenant = "99999999-9999-4999-8999-999999999999";
    const failure = await msalError(tokenFor(secretClient(), tenant));
    expect(failure.errorCode).toBe("endpoints_resolution_error");
    const metadata = await fetch(`${emu.authorityHost}/${tenant}/v2.0/.well-known/openid-configuration`);
    expect(metadata.status).toBe(400);
    const body = (await metadata.json()) as Record<string, unknown>;
    expectMicrosoftErrorShape(body, 90002);
    expect(body.error).toBe("invalid_tenant");
  });

  it("reports an expired secret as 7000222", async () => {
    const failure = await msalError(tokenFor(secretClient(emu.expiredSecret), TENANTS.northwind));
    expect(failure.errorMessage).toContain("AADSTS7000222:");
  });

  it("reports an unknown app as 700016", async () => {
    const failure = await msalError(tokenFor(secretClient(emu.secret, "00000000-1111-4222-8333-444444444444"), TENANTS.northwind));
    expect(failure.errorCode).toBe("unauthorized_client");
    expect(failure.errorMessage).toContain("AADSTS700016:");
  });

  it.each([
    ["7000229 for an unconsented tenant", TENANTS.fabrikam, {}, 401, 7000229],
    ["7000215 for a wrong secret", TENANTS.northwind, { client_secret: "wrong" }, 401, 7000215],
    ["90002 for an unknown tenant", "nosuchtenant.onmicrosoft.com", {}, 400, 90002],
    ["500011 for an unknown resource", TENANTS.northwind, { scope: "https://unknown.example.com/.default" }, 400, 500011],
    ["1002012 for a scope without /.default", TENANTS.northwind, { scope: "https://graph.microsoft.com/User.Read.All" }, 400, 1002012],
    ["7000218 without any credential", TENANTS.northwind, { client_secret: "" }, 401, 7000218],
  ] as const)("answers %s with the full error body", async (_name, tenant, fields, status, code) => {
    const body: Record<string, string> = { client_secret: emu.secret, ...fields };
    if (body.client_secret === "") delete body.client_secret;
    const result = await rawToken(tenant, body);
    expect(result.status).toBe(status);
    expectMicrosoftErrorShape(result.body, code);
    expect(result.body.correlation_id).toBe("11111111-2222-4333-8444-555555555555");
  });

  it("accepts the secret through HTTP Basic and ignores unknown body fields", async () => {
    const response = await fetch(`${emu.authorityHost}/${TENANTS.northwind}/oauth2/v2.0/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", authorization: `Basic ${Buffer.from(`${DEMO_APP_ID}:${encodeURIComponent(emu.secret)}`).toString("base64")}` },
      body: new URLSearchParams({ grant_type: "client_credentials", scope: GRAPH, "x-client-SKU": "msal.js.node", "x-client-VER": "7.2.1", "x-app-name": "test" }),
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ token_type: "Bearer", expires_in: expect.any(Number), ext_expires_in: expect.any(Number), access_token: expect.any(String) });
  });
});

describe("client assertions", () => {
  const privateKey = () => createPrivateKey(readFileSync(emu.certificatePath, "utf8"));
  const tokenUrl = (tenant: string) => `${emu.authorityHost}/${tenant}/oauth2/v2.0/token`;
  async function assertion(overrides: { aud?: string; iss?: string; jti?: string; exp?: number; x5tS256?: string; alg?: "PS256" | "RS256" } = {}) {
    const now = Math.floor(clock / 1000);
    return new SignJWT({ jti: overrides.jti ?? crypto.randomUUID() })
      .setProtectedHeader({ alg: overrides.alg ?? "PS256", typ: "JWT", "x5t#S256": overrides.x5tS256 ?? Buffer.from(emu.thumbprintSha256, "hex").toString("base64url") })
      .setIssuer(overrides.iss ?? DEMO_APP_ID)
      .setSubject(overrides.iss ?? DEMO_APP_ID)
      .setAudience(overrides.aud ?? tokenUrl(TENANTS.northwind))
      .setNotBefore(now)
      .setExpirationTime(overrides.exp ?? now + 600)
      .sign(privateKey());
  }
  const post = (jwt: string) =>
    rawToken(TENANTS.northwind, { client_assertion_type: "urn:ietf:params:oauth:client-assertion-type:jwt-bearer", client_assertion: jwt });

  it("accepts the same assertion again, as msal-node sends it until it expires, but refuses another assertion reusing its jti", async () => {
    const jti = crypto.randomUUID();
    const jwt = await assertion({ jti });
    expect((await post(jwt)).status).toBe(200);
    expect((await post(jwt)).status).toBe(200);
    const other = await post(await assertion({ jti, alg: "RS256" }));
    expect(other.status).toBe(401);
    expectMicrosoftErrorShape(other.body, 700025);
  });

  it("serves many tokens to one msal-node certificate client (which reuses its assertion)", async () => {
    const client = certificateClient("sha256");
    for (const tenant of [TENANTS.northwind, TENANTS.woodgrove, TENANTS.northwind]) {
      const result = await client.acquireTokenByClientCredential({ scopes: [GRAPH], authority: `${emu.authorityHost}/${tenant}`, skipCache: true });
      expect(decodeJwt(result!.accessToken).tid).toBe(tenant);
    }
  });

  it.each([
    ["a wrong audience", { aud: "https://login.microsoftonline.com/x/oauth2/v2.0/token" }, 700212],
    ["a foreign issuer", { iss: "00000000-1111-4222-8333-444444444444" }, 700021],
    ["an expired assertion", { exp: Math.floor(Date.now() / 1000) - 3600 }, 700024],
    ["an unregistered certificate", { x5tS256: "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" }, 700027],
  ] as const)("refuses %s", async (_name, overrides, code) => {
    const result = await post(await assertion(overrides));
    expect(result.status).toBe(401);
    expectMicrosoftErrorShape(result.body, code);
  });

  it("refuses a signature by another key", async () => {
    const jwt = await assertion();
    const [h, p] = jwt.split(".");
    const forged = `${h}.${p}.${Buffer.from("not the signature").toString("base64url")}`;
    const result = await post(forged);
    expectMicrosoftErrorShape(result.body, 700027);
  });
});

describe("replication delay after consent", () => {
  it("answers 7000229, then tokens without roles, then tokens with roles", async () => {
    const litware = await startTestEmulator({ now: () => clock });
    try {
      // Grant consent on the v1 endpoint as Litware's admin.
      const form = new URLSearchParams({ client_id: DEMO_APP_ID, redirect_uri: "http://localhost:3000/consent/callback", state: "s1", user: "f6000000-0000-4000-8000-000000000001", action: "accept" });
      const consent = await fetch(`${litware.loginHost}/${TENANTS.litware}/adminconsent`, { method: "POST", body: form, redirect: "manual", headers: { "content-type": "application/x-www-form-urlencoded" } });
      expect(consent.status).toBe(302);
      const client = new ConfidentialClientApplication({ auth: { clientId: DEMO_APP_ID, authority: `${litware.authorityHost}/organizations`, clientSecret: litware.secret, knownAuthorities: [litware.host] } });
      const get = () => client.acquireTokenByClientCredential({ scopes: [GRAPH], authority: `${litware.authorityHost}/${TENANTS.litware}`, skipCache: true });

      expect((await msalError(get())).errorMessage).toContain("AADSTS7000229");
      clock += 21_000; // past the 20 s of service-principal replication
      const early = decodeJwt((await get())!.accessToken);
      expect(early).not.toHaveProperty("roles");
      clock += 10_000; // past the 10 s of role replication
      const late = decodeJwt((await get())!.accessToken);
      expect(late.roles).toContain("Mail.Read");
    } finally {
      await litware.dispose();
    }
  });

  it("v2 consent grants only the resource named in scope", async () => {
    const fresh = await startTestEmulator({ scenario: defaultScenario() });
    try {
      const form = new URLSearchParams({
        client_id: DEMO_APP_ID,
        redirect_uri: "http://localhost:3000/consent/callback",
        scope: "https://graph.microsoft.com/.default",
        user: "b2000000-0000-4000-8000-000000000001",
        action: "accept",
      });
      const consent = await fetch(`${fresh.loginHost}/organizations/v2.0/adminconsent`, { method: "POST", body: form, redirect: "manual" });
      const location = new URL(consent.headers.get("location")!);
      expect(Object.fromEntries(location.searchParams)).toEqual({ admin_consent: "True", tenant: TENANTS.fabrikam, scope: "https://graph.microsoft.com/.default" });
      const state = await (await fresh.control("GET", "/state")).json();
      const sp = state.tenants.find((t: { id: string }) => t.id === TENANTS.fabrikam).servicePrincipals[0];
      expect(sp.grants.graph).toContain("Mail.Read");
      expect(sp.grants.exchange).toEqual([]);
    } finally {
      await fresh.dispose();
    }
  });
});
