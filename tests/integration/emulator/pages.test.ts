import { ConfidentialClientApplication, CryptoProvider } from "@azure/msal-node";
import { createRemoteJWKSet, jwtVerify } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { DEMO_APP_ID, TENANTS, startTestEmulator, type TestEmulator } from "../../support/emulator";

let emu: TestEmulator & { dispose(): Promise<void> };
const REDIRECT = "http://localhost:3000/consent/callback";
const MEGAN = "b2000000-0000-4000-8000-000000000001"; // Fabrikam Global Administrator
const ADELE = "b2000000-0000-4000-8000-000000000002"; // Fabrikam user, no admin role

beforeAll(async () => {
  emu = await startTestEmulator();
});
afterAll(async () => {
  await emu?.dispose();
});

function consentUrl(tenant: string, params: Record<string, string>, version: "v1" | "v2" = "v1") {
  const url = new URL(`${emu.loginHost}/${tenant}/${version === "v2" ? "v2.0/" : ""}adminconsent`);
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  return url.toString();
}

async function getPage(url: string) {
  const response = await fetch(url, { redirect: "manual" });
  return { status: response.status, html: await response.text(), location: response.headers.get("location") };
}

async function submit(tenant: string, fields: Record<string, string>, version: "v1" | "v2" = "v1") {
  const response = await fetch(`${emu.loginHost}/${tenant}/${version === "v2" ? "v2.0/" : ""}adminconsent`, {
    method: "POST",
    body: new URLSearchParams(fields),
    redirect: "manual",
  });
  return { status: response.status, html: await response.text(), location: response.headers.get("location") };
}

describe("admin consent pages", () => {
  it("shows the app, its publisher and every configured permission, on plain http", async () => {
    expect(emu.loginHost.startsWith("http://127.0.0.1:")).toBe(true);
    const { status, html } = await getPage(consentUrl("common", { client_id: DEMO_APP_ID, redirect_uri: REDIRECT, state: "abc" }));
    expect(status).toBe(200);
    expect(html).toContain("Consentry Demo App");
    expect(html).toContain("Contoso Partners");
    for (const role of ["Organization.Read.All", "Mail.Read", "Exchange.ManageAsApp"]) expect(html).toContain(role);
    expect(html).toMatch(/name="action" value="accept"/);
  });

  it("redirects a v1 success with tenant, state and admin_consent=True", async () => {
    const { status, location } = await submit("common", { client_id: DEMO_APP_ID, redirect_uri: REDIRECT, state: "st-1", user: MEGAN, action: "accept" });
    expect(status).toBe(302);
    const url = new URL(location!);
    expect(`${url.origin}${url.pathname}`).toBe(REDIRECT);
    expect(Object.fromEntries(url.searchParams)).toEqual({ admin_consent: "True", tenant: TENANTS.fabrikam, state: "st-1" });
  });

  it("ignores the port of a localhost redirect URI, as Entra ID does", async () => {
    const { location } = await submit(TENANTS.fabrikam, { client_id: DEMO_APP_ID, redirect_uri: "http://localhost:49152/consent/callback", user: MEGAN, action: "accept" });
    expect(location).toMatch(/^http:\/\/localhost:49152\/consent\/callback\?admin_consent=True/);
  });

  it("redirects a cancel with access_denied, the cancel subcode and no tenant", async () => {
    const { location } = await submit("common", { client_id: DEMO_APP_ID, redirect_uri: REDIRECT, state: "st-2", user: MEGAN, action: "cancel" });
    const params = Object.fromEntries(new URL(location!).searchParams);
    expect(params).toMatchObject({ error: "access_denied", error_subcode: "cancel", state: "st-2" });
    expect(params.error_description).toMatch(/^AADSTS65004:/);
    expect(params).not.toHaveProperty("tenant");
  });

  it("redirects a decline with AADSTS65004", async () => {
    const { location } = await submit("common", { client_id: DEMO_APP_ID, redirect_uri: REDIRECT, state: "st-3", user: MEGAN, action: "decline" });
    const params = Object.fromEntries(new URL(location!).searchParams);
    expect(params).toMatchObject({ error: "access_denied", state: "st-3" });
    expect(params).not.toHaveProperty("error_subcode");
    expect(params.error_description).toBe("AADSTS65004: User declined to consent to access the app.");
  });

  it.each([
    ["a non-admin (Need admin approval)", "common", { client_id: DEMO_APP_ID, redirect_uri: REDIRECT, user: ADELE, action: "accept" }, "AADSTS90094"],
    ["an unregistered redirect URI", "common", { client_id: DEMO_APP_ID, redirect_uri: "https://evil.example/callback", user: MEGAN, action: "accept" }, "AADSTS50011"],
    ["an unknown app", "common", { client_id: "00000000-1111-4222-8333-444444444444", redirect_uri: REDIRECT, user: MEGAN, action: "accept" }, "AADSTS700016"],
    ["an unknown tenant", "nosuch.onmicrosoft.com", { client_id: DEMO_APP_ID, redirect_uri: REDIRECT, user: MEGAN, action: "accept" }, "AADSTS90002"],
  ])("shows its own error page, without redirecting, for %s", async (_name, tenant, fields, code) => {
    const { status, html, location } = await submit(tenant, fields);
    expect(location).toBeNull();
    expect(status).toBe(400);
    expect(html).toContain(`${code}:`);
    expect(html).toMatch(/Correlation Id: [0-9a-f-]{36}/);
  });

  it("escapes what it echoes back", async () => {
    const { html } = await getPage(consentUrl("common", { client_id: DEMO_APP_ID, redirect_uri: `${REDIRECT}?x=<script>alert(1)</script>` }));
    expect(html).not.toContain("<script>alert(1)</script>");
    expect(html).toContain("&lt;script&gt;");
  });

  it("v2 requires a scope naming a resource with /.default", async () => {
    const { location } = await submit("organizations", { client_id: DEMO_APP_ID, redirect_uri: REDIRECT, scope: "User.Read", user: MEGAN, action: "accept" }, "v2");
    expect(new URL(location!).searchParams.get("error")).toBe("invalid_request");
  });
});

describe("partner sign-in (authorization code with PKCE)", () => {
  it("issues an RS256 id_token whose kid is in the JWKS, with tid, oid, preferred_username, name and roles", async () => {
    const client = new ConfidentialClientApplication({
      auth: { clientId: DEMO_APP_ID, authority: `${emu.authorityHost}/${TENANTS.partner}`, clientSecret: emu.secret, knownAuthorities: [emu.host] },
    });
    const pkce = await new CryptoProvider().generatePkceCodes();
    const redirectUri = "http://localhost:3000/auth/callback";
    const authUrl = await client.getAuthCodeUrl({ scopes: ["User.Read"], redirectUri, codeChallenge: pkce.challenge, codeChallengeMethod: "S256", state: "login-1", nonce: "n-1" });
    expect(authUrl.startsWith(`${emu.loginHost}/${TENANTS.partner}/oauth2/v2.0/authorize?`)).toBe(true);

    const picker = await fetch(authUrl);
    expect(await picker.text()).toContain("alice@contoso-partners.example");

    const params = new URL(authUrl).searchParams;
    params.set("login_user", "a1000000-0000-4000-8000-000000000001");
    const signedIn = await fetch(`${emu.loginHost}/${TENANTS.partner}/oauth2/v2.0/authorize`, { method: "POST", body: params, redirect: "manual" });
    const callback = new URL(signedIn.headers.get("location")!);
    expect(callback.searchParams.get("state")).toBe("login-1");
    const code = callback.searchParams.get("code")!;

    // A confidential client checks the id_token's nonce against the request's nonce.
    const result = await client.acquireTokenByCode({ code, scopes: ["User.Read"], redirectUri, codeVerifier: pkce.verifier, nonce: "n-1", state: "login-1" }, { code, state: "login-1" });
    expect(result.idTokenClaims).toMatchObject({
      tid: TENANTS.partner,
      oid: "a1000000-0000-4000-8000-000000000001",
      preferred_username: "alice@contoso-partners.example",
      name: "Alice Partner (onboarding lead)",
      roles: ["Consentry.Admin"],
      nonce: "n-1",
      aud: DEMO_APP_ID,
    });
    const jwks = createRemoteJWKSet(new URL(`${emu.authorityHost}/${TENANTS.partner}/discovery/v2.0/keys`));
    const { protectedHeader } = await jwtVerify(result.idToken, jwks, { issuer: `${emu.authorityHost}/${TENANTS.partner}/v2.0`, audience: DEMO_APP_ID });
    expect(protectedHeader.alg).toBe("RS256");

    // The code is single use.
    await expect(client.acquireTokenByCode({ code, scopes: ["User.Read"], redirectUri, codeVerifier: pkce.verifier })).rejects.toMatchObject({ errorCode: "invalid_grant" });
  });

  it("refuses a code redeemed with the wrong PKCE verifier", async () => {
    const client = new ConfidentialClientApplication({ auth: { clientId: DEMO_APP_ID, authority: `${emu.authorityHost}/${TENANTS.partner}`, clientSecret: emu.secret, knownAuthorities: [emu.host] } });
    const pkce = await new CryptoProvider().generatePkceCodes();
    const redirectUri = "http://localhost:3000/auth/callback";
    const authUrl = await client.getAuthCodeUrl({ scopes: ["User.Read"], redirectUri, codeChallenge: pkce.challenge, codeChallengeMethod: "S256" });
    const params = new URL(authUrl).searchParams;
    params.set("login_user", "a1000000-0000-4000-8000-000000000002");
    const signedIn = await fetch(`${emu.loginHost}/${TENANTS.partner}/oauth2/v2.0/authorize`, { method: "POST", body: params, redirect: "manual" });
    const code = new URL(signedIn.headers.get("location")!).searchParams.get("code")!;
    const other = await new CryptoProvider().generatePkceCodes();
    const error = await client.acquireTokenByCode({ code, scopes: ["User.Read"], redirectUri, codeVerifier: other.verifier }).catch((e: { errorMessage: string }) => e);
    expect((error as { errorMessage: string }).errorMessage).toContain("AADSTS501481");
  });
});

describe("discovery", () => {
  it.each([TENANTS.partner, "contosopartners.onmicrosoft.com", "organizations"])("serves v2 metadata for %s with consistent hosts", async (segment) => {
    const body = (await (await fetch(`${emu.authorityHost}/${segment}/v2.0/.well-known/openid-configuration`)).json()) as Record<string, string>;
    expect(new URL(body.issuer!).host).toBe(emu.host);
    expect(new URL(body.token_endpoint!).origin).toBe(emu.authorityHost);
    expect(new URL(body.jwks_uri!).origin).toBe(emu.authorityHost);
    expect(new URL(body.authorization_endpoint!).origin).toBe(emu.loginHost);
    if (segment !== "organizations") expect(body.issuer).toBe(`${emu.authorityHost}/${TENANTS.partner}/v2.0`);
  });

  it("serves v1 metadata and instance discovery", async () => {
    const v1 = (await (await fetch(`${emu.authorityHost}/${TENANTS.partner}/.well-known/openid-configuration`)).json()) as Record<string, string>;
    expect(v1.issuer).toBe(`https://sts.windows.net/${TENANTS.partner}/`);
    const instance = (await (await fetch(`${emu.authorityHost}/common/discovery/instance?api-version=1.1&authorization_endpoint=x`)).json()) as { metadata: { aliases: string[] }[] };
    expect(instance.metadata[0]!.aliases).toContain(emu.host);
  });
});
