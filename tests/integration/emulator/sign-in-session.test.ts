import { ConfidentialClientApplication, CryptoProvider } from "@azure/msal-node";
import { createRemoteJWKSet, jwtVerify } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { DEMO_APP_ID, TENANTS, startTestEmulator, type TestEmulator } from "../../support/emulator";

// The customer sign-in right after admin consent: the login host remembers who signed in, so
// `prompt=none` at the tenant's own authority answers at once or says why it cannot.
let emu: TestEmulator & { dispose(): Promise<void> };
const REDIRECT = "http://localhost:3000/consent/signin/callback";
const CONSENT_REDIRECT = "http://localhost:3000/consent/callback";
const USERS = {
  alice: "a1000000-0000-4000-8000-000000000001",
  bob: "a1000000-0000-4000-8000-000000000002",
  rita: "a1000000-0000-4000-8000-000000000003",
  nora: "a1000000-0000-4000-8000-000000000004",
  tess: "a1000000-0000-4000-8000-000000000005",
  tessInFabrikam: "b2e00000-0000-4000-8000-000000000005",
  megan: "b2000000-0000-4000-8000-000000000001",
};

beforeAll(async () => {
  emu = await startTestEmulator();
});
afterAll(async () => {
  await emu?.dispose();
});

/** A browser's cookie jar for the login host, enough for the emulator's one session cookie. */
function browser() {
  const jar = new Map<string, string>();
  const send = async (url: string, init: RequestInit = {}) => {
    const cookie = [...jar].map(([k, v]) => `${k}=${v}`).join("; ");
    const response = await fetch(url, { ...init, redirect: "manual", headers: cookie ? { cookie } : {} });
    const setCookies = response.headers.getSetCookie();
    for (const line of setCookies) {
      const [pair] = line.split(";");
      const eq = pair!.indexOf("=");
      jar.set(pair!.slice(0, eq), pair!.slice(eq + 1));
    }
    return { status: response.status, location: response.headers.get("location"), html: await response.text(), setCookies };
  };
  return {
    jar,
    get: (url: string) => send(url),
    post: (url: string, fields: Record<string, string>) => send(url, { method: "POST", body: new URLSearchParams(fields) }),
    /** Admin consent as the given user, which signs them in on the login host as at Microsoft. */
    consent: (tenant: string, user: string, action = "accept") =>
      send(`${emu.loginHost}/${tenant}/adminconsent`, { method: "POST", body: new URLSearchParams({ client_id: DEMO_APP_ID, redirect_uri: CONSENT_REDIRECT, state: "c", user, action }) }),
  };
}

function client(tenant: string) {
  return new ConfidentialClientApplication({ auth: { clientId: DEMO_APP_ID, authority: `${emu.authorityHost}/${tenant}`, clientSecret: emu.secret, knownAuthorities: [emu.host] } });
}

/** Builds the portal's authorize URL with msal-node (PKCE, nonce, state) for a tenant and prompt. */
async function authorizeRequest(tenant: string, prompt?: string) {
  const app = client(tenant);
  const pkce = await new CryptoProvider().generatePkceCodes();
  const state = `st-${Math.random().toString(36).slice(2)}`;
  const nonce = `n-${Math.random().toString(36).slice(2)}`;
  const url = await app.getAuthCodeUrl({ scopes: ["openid", "profile"], redirectUri: REDIRECT, codeChallenge: pkce.challenge, codeChallengeMethod: "S256", state, nonce, prompt });
  const redeem = async (location: string) => {
    const params = new URL(location).searchParams;
    expect(params.get("state")).toBe(state);
    const code = params.get("code")!;
    return app.acquireTokenByCode({ code, scopes: ["openid", "profile"], redirectUri: REDIRECT, codeVerifier: pkce.verifier, nonce, state }, { code, state });
  };
  return { url, state, nonce, redeem };
}

/** Signs in interactively on the authorize page as a user, and returns the redeemed result. */
async function signInAs(b: ReturnType<typeof browser>, tenant: string, userId: string) {
  const request = await authorizeRequest(tenant, "select_account");
  const fields = Object.fromEntries(new URL(request.url).searchParams);
  const answer = await b.post(`${emu.loginHost}/${tenant}/oauth2/v2.0/authorize`, { ...fields, login_user: userId });
  expect(answer.status).toBe(302);
  return request.redeem(answer.location!);
}

describe("prompt=none", () => {
  it("answers login_required with AADSTS50058 when no one is signed in on the login host", async () => {
    const request = await authorizeRequest(TENANTS.fabrikam, "none");
    expect(new URL(request.url).searchParams.get("prompt")).toBe("none");
    const answer = await browser().get(request.url);
    expect(answer.status).toBe(302);
    const params = new URL(answer.location!).searchParams;
    expect(`${new URL(answer.location!).origin}${new URL(answer.location!).pathname}`).toBe(REDIRECT);
    expect(params.get("error")).toBe("login_required");
    expect(params.get("state")).toBe(request.state);
    expect(params.get("code")).toBeNull();
    expect(params.get("error_description")).toMatch(/^AADSTS50058: A silent sign-in request was sent but no user is signed in\. .*\r\nTrace ID: [0-9a-f-]{36}\r\nCorrelation ID: [0-9a-f-]{36}\r\nTimestamp: /s);
  });

  it("issues a code for the admin who just consented, and the id_token names them in that tenant", async () => {
    const b = browser();
    const consent = await b.consent("organizations", USERS.megan);
    expect(new URL(consent.location!).searchParams.get("tenant")).toBe(TENANTS.fabrikam);
    expect(consent.setCookies).toHaveLength(1);
    expect(consent.setCookies[0]).toMatch(/^sandbox_estsauth_\d+=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Lax$/);

    const request = await authorizeRequest(TENANTS.fabrikam, "none");
    const answer = await b.get(request.url);
    expect(answer.status).toBe(302);
    const params = new URL(answer.location!).searchParams;
    expect(params.get("error")).toBeNull();
    expect([...params.keys()].sort()).toEqual(["client_info", "code", "session_state", "state"]);

    const result = await request.redeem(answer.location!);
    expect(result.idTokenClaims).toMatchObject({
      tid: TENANTS.fabrikam,
      oid: USERS.megan,
      name: "Megan Admin",
      preferred_username: "megan@fabrikam.example",
      nonce: request.nonce,
      aud: DEMO_APP_ID,
      ver: "2.0",
    });
    expect(result.idTokenClaims).not.toHaveProperty("roles");
    expect(result.idTokenClaims).not.toHaveProperty("idp");
    const jwks = createRemoteJWKSet(new URL(`${emu.authorityHost}/${TENANTS.fabrikam}/discovery/v2.0/keys`));
    await jwtVerify(result.idToken, jwks, { issuer: `${emu.authorityHost}/${TENANTS.fabrikam}/v2.0`, audience: DEMO_APP_ID });
  });

  it("answers interaction_required with AADSTS16000 when the signed-in user is not in the addressed tenant", async () => {
    const b = browser();
    await b.consent(TENANTS.fabrikam, USERS.megan);
    const request = await authorizeRequest(TENANTS.partner, "none");
    const params = new URL((await b.get(request.url)).location!).searchParams;
    expect(params.get("error")).toBe("interaction_required");
    expect(params.get("code")).toBeNull();
    expect(params.get("error_description")).toMatch(
      /^AADSTS16000: Either multiple user identities are available for the current request or selected account is not supported for the scenario\.\r\n/,
    );
  });

  it("answers interaction_required when several signed-in accounts could sign in, and signs in the one that fits a tenant", async () => {
    const b = browser();
    await b.consent(TENANTS.fabrikam, USERS.megan);
    await signInAs(b, TENANTS.partner, USERS.alice);
    const both = new URL((await b.get((await authorizeRequest("organizations", "none")).url)).location!).searchParams;
    expect(both.get("error")).toBe("interaction_required");
    expect(both.get("error_description")).toMatch(/^AADSTS16000:/);

    const fabrikam = await authorizeRequest(TENANTS.fabrikam, "none");
    const result = await fabrikam.redeem((await b.get(fabrikam.url)).location!);
    expect(result.idTokenClaims).toMatchObject({ tid: TENANTS.fabrikam, oid: USERS.megan });
  });

  it("ignores a session cookie the emulator did not issue, and never adopts its value", async () => {
    const b = browser();
    const name = `sandbox_estsauth_${new URL(emu.loginHost).port}`;
    b.jar.set(name, "forged-session-id");
    const params = new URL((await b.get((await authorizeRequest(TENANTS.fabrikam, "none")).url)).location!).searchParams;
    expect(params.get("error")).toBe("login_required");
    await b.consent(TENANTS.fabrikam, USERS.megan);
    expect(b.jar.get(name)).not.toBe("forged-session-id");
  });
});

describe("pickers", () => {
  it("preselect the signed-in user on the consent page and on the sign-in page", async () => {
    const b = browser();
    await b.consent(TENANTS.fabrikam, USERS.megan, "cancel");
    const consentPage = await b.get(`${emu.loginHost}/${TENANTS.fabrikam}/adminconsent?client_id=${DEMO_APP_ID}&redirect_uri=${encodeURIComponent(CONSENT_REDIRECT)}`);
    expect(consentPage.html).toMatch(new RegExp(`<option value="${USERS.megan}" selected>`));
    const picker = await b.get((await authorizeRequest(TENANTS.fabrikam, "select_account")).url);
    expect(picker.status).toBe(200);
    expect(picker.html).toMatch(new RegExp(`<option value="${USERS.megan}" selected>`));
    expect((await browser().get((await authorizeRequest(TENANTS.fabrikam)).url)).html).not.toContain(" selected>");
  });
});

describe("id_token roles", () => {
  it.each([
    ["Alice", USERS.alice, ["Consentry.Admin"]],
    ["Bob", USERS.bob, ["Consentry.Operator"]],
    ["Rita", USERS.rita, ["Consentry.Reader"]],
    ["Nora", USERS.nora, undefined],
  ])("carries the app roles assigned to %s", async (_name, userId, roles) => {
    const result = await signInAs(browser(), TENANTS.partner, userId);
    expect(result.idTokenClaims).toMatchObject({ tid: TENANTS.partner, oid: userId });
    expect((result.idTokenClaims as { roles?: string[] }).roles).toEqual(roles);
  });
});

describe("guests", () => {
  it("lets an MSP technician who is a Privileged Role Administrator guest consent for the customer, then signs them in there as the guest", async () => {
    const b = browser();
    const consentPage = await b.get(`${emu.loginHost}/${TENANTS.fabrikam}/adminconsent?client_id=${DEMO_APP_ID}&redirect_uri=${encodeURIComponent(CONSENT_REDIRECT)}`);
    expect(consentPage.html).toContain("Tess Technician (MSP technician) (tess@contoso-partners.example), Fabrikam (cloud only) (guest from Contoso Partners), Privileged Role Administrator");

    const consent = await b.consent(TENANTS.fabrikam, USERS.tessInFabrikam);
    expect(Object.fromEntries(new URL(consent.location!).searchParams)).toEqual({ admin_consent: "True", tenant: TENANTS.fabrikam, state: "c" });

    const request = await authorizeRequest(TENANTS.fabrikam, "none");
    const answer = await b.get(request.url);
    const clientInfo = JSON.parse(Buffer.from(new URL(answer.location!).searchParams.get("client_info")!, "base64url").toString());
    expect(clientInfo).toEqual({ uid: USERS.tess, utid: TENANTS.partner });
    const result = await request.redeem(answer.location!);
    expect(result.idTokenClaims).toMatchObject({
      tid: TENANTS.fabrikam,
      oid: USERS.tessInFabrikam,
      idp: `https://sts.windows.net/${TENANTS.partner}/`,
      preferred_username: "tess@contoso-partners.example",
      iss: `${emu.authorityHost}/${TENANTS.fabrikam}/v2.0`,
    });
    expect(result.idTokenClaims).not.toHaveProperty("roles");

    // The same browser at the partner's own authority is Tess at home.
    const home = await authorizeRequest(TENANTS.partner, "none");
    const atHome = await home.redeem((await b.get(home.url)).location!);
    expect(atHome.idTokenClaims).toMatchObject({ tid: TENANTS.partner, oid: USERS.tess, roles: ["Consentry.Operator"] });
  });
});
