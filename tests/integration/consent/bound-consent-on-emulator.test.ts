import { describe, expect, it } from "vitest";

import { handleConsentCallback } from "@/lib/consent/callback";
import { sealConsentFlow } from "@/lib/consent/consent-cookie";
import { consentCallbackDeps, signInCallbackDeps } from "@/lib/consent/customer-sign-in";
import { handleSignInCallback } from "@/lib/consent/sign-in-callback";
import { currentPermissionSet } from "@/lib/permissions/permission-set";
import { DEMO_APP_ID, TENANTS } from "../../support/emulator";
import { setUpPortalOnEmulator } from "../../support/portal-on-emulator";

/**
 * The consent callback and the sign-in that binds it, with msal-node and the sandbox's
 * real authorize and token endpoints: only the browser is played by fetch and a cookie jar.
 */
const MEGAN = "b2000000-0000-4000-8000-000000000001";
const TESS = "a1000000-0000-4000-8000-000000000005";
const meta = { ip: null, userAgent: null };


const portal = setUpPortalOnEmulator(async (portal) => {
  await currentPermissionSet(portal.database.db);
});

/** A browser's cookie jar for the sandbox's login host. */
class Browser {
  private cookies = new Map<string, string>();
  async get(url: string): Promise<Response> {
    const response = await fetch(url, { redirect: "manual", headers: this.header() });
    this.keep(response);
    return response;
  }
  async post(url: string, form: Record<string, string>): Promise<Response> {
    const response = await fetch(url, { method: "POST", redirect: "manual", headers: { ...this.header(), "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams(form) });
    this.keep(response);
    return response;
  }
  private header(): Record<string, string> {
    return this.cookies.size ? { cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ") } : {};
  }
  private keep(response: Response) {
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(";");
      const [name, value] = pair!.split("=");
      this.cookies.set(name!, value!);
    }
  }
}

/** Microsoft's consent answer for `tenant`, as the portal's callback sees it, and the sign-in it asks for. */
async function callbackFor(tenant: string) {
  const state = `consent-${Math.random().toString(36).slice(2)}`;
  const cookie = await sealConsentFlow({ state, inviteId: null, issuedAt: Date.now(), consentPath: "/consent" });
  const outcome = await handleConsentCallback(portal.database.db, { search: `?admin_consent=True&tenant=${tenant}&state=${state}`, cookieValue: cookie.value, meta }, consentCallbackDeps());
  if (outcome.kind !== "sign-in") throw new Error(`expected a sign-in, got ${JSON.stringify(outcome)}`);
  return outcome;
}

function queryOf(location: string | null): string {
  expect(location).toMatch(/^http:\/\/localhost:3000\/consent\/signin\/callback\?/);
  return new URL(location!).search;
}

async function signInCallback(search: string, cookieValue: string, started: string[]) {
  const deps = { ...signInCallbackDeps(portal.database.db), startVerification: (id: string) => void started.push(id) };
  return handleSignInCallback(portal.database.db, { search, cookieValue, boundCookieValue: undefined, meta }, deps);
}

describe("binding a consent with a sign-in at the tenant's authority (sandbox)", () => {
  it("explains a forged tenant that does not exist (Microsoft's AADSTS90002) instead of failing", async () => {
    const cookie = await sealConsentFlow({ state: "unknown-tenant", inviteId: null, issuedAt: Date.now(), consentPath: "/consent" });
    const outcome = await handleConsentCallback(
      portal.database.db,
      { search: "?admin_consent=True&tenant=0f1e2d3c-4b5a-4978-8a9b-acbdcedf0011&state=unknown-tenant", cookieValue: cookie.value, meta },
      consentCallbackDeps(),
    );
    expect(outcome).toMatchObject({ kind: "problem", problem: { code: "tenant_unknown_to_cloud", status: 400 } });
  });

  it("is silent when Microsoft still holds the consenting admin's session", async () => {
    const browser = new Browser();
    // Megan accepts on the sandbox's consent page, which signs her in on the login host.
    const consent = await browser.post(`${portal.emu.loginHost}/${TENANTS.fabrikam}/adminconsent`, {
      client_id: DEMO_APP_ID,
      redirect_uri: "http://localhost:3000/consent/callback",
      state: "consent-state",
      user: MEGAN,
      action: "accept",
    });
    expect(consent.status).toBe(302);
    const step = await callbackFor(TENANTS.fabrikam);
    const url = new URL(step.url);
    expect(`${url.origin}${url.pathname}`).toBe(`${portal.emu.loginHost}/${TENANTS.fabrikam}/oauth2/v2.0/authorize`);
    expect(url.searchParams.get("prompt")).toBe("none");
    expect(url.searchParams.get("code_challenge_method")).toBe("S256");
    expect(url.searchParams.get("nonce")).toBeTruthy();

    const answer = await browser.get(step.url);
    const started: string[] = [];
    const bound = await signInCallback(queryOf(answer.headers.get("location")), step.cookie.value, started);
    expect(bound.kind).toBe("bound");
    const attempt = await portal.database.db.selectFrom("consent_attempts").selectAll().where("id", "=", bound.kind === "bound" ? bound.attemptId : "").executeTakeFirstOrThrow();
    expect(attempt).toMatchObject({ tenant_claim: TENANTS.fabrikam, signed_in_oid: MEGAN, signed_in_upn: "megan@fabrikam.example", signed_in_name: "Megan Admin" });
    expect(started).toHaveLength(1);
  });

  it("falls back to the account picker without a session, then binds the user picked there", async () => {
    const browser = new Browser();
    const step = await callbackFor(TENANTS.fabrikam);
    const silent = await browser.get(step.url);
    const query = queryOf(silent.headers.get("location"));
    expect(new URLSearchParams(query).get("error")).toBe("login_required");
    const started: string[] = [];
    const again = await signInCallback(query, step.cookie.value, started);
    expect(again.kind).toBe("sign-in");
    if (again.kind !== "sign-in") return;
    expect(new URL(again.url).searchParams.get("prompt")).toBe("select_account");
    const picker = await browser.get(again.url);
    expect(picker.status).toBe(200);
    const picked = await browser.get(`${again.url}&login_user=${MEGAN}`);
    const bound = await signInCallback(queryOf(picked.headers.get("location")), again.cookie.value, started);
    expect(bound.kind).toBe("bound");
    expect(started).toHaveLength(1);
  });

  it("binds an MSP technician who is a guest administrator of the customer: the id_token's tid is the customer's", async () => {
    const browser = new Browser();
    const step = await callbackFor(TENANTS.fabrikam);
    const silent = await browser.get(step.url);
    const again = await signInCallback(queryOf(silent.headers.get("location")), step.cookie.value, []);
    if (again.kind !== "sign-in") throw new Error("expected the account picker");
    const guestObjectId = "b2e00000-0000-4000-8000-000000000005";
    const picked = await browser.get(`${again.url}&login_user=${guestObjectId}`);
    const bound = await signInCallback(queryOf(picked.headers.get("location")), again.cookie.value, []);
    expect(bound.kind).toBe("bound");
    const attempt = await portal.database.db.selectFrom("consent_attempts").selectAll().where("id", "=", bound.kind === "bound" ? bound.attemptId : "").executeTakeFirstOrThrow();
    expect(attempt).toMatchObject({ tenant_claim: TENANTS.fabrikam, signed_in_upn: "tess@contoso-partners.example" });
    expect(attempt.signed_in_oid).not.toBe(TESS);
  });

  it("refuses an admin of another tenant who signs in at their own tenant instead", async () => {
    const browser = new Browser();
    const step = await callbackFor(TENANTS.woodgrove);
    // The forger rewrites the authority in the sign-in URL to their own tenant and signs in there.
    const forged = step.url.replace(`/${TENANTS.woodgrove}/`, `/${TENANTS.fabrikam}/`).replace("prompt=none", "prompt=select_account");
    const picked = await browser.get(`${forged}&login_user=${MEGAN}`);
    const outcome = await signInCallback(queryOf(picked.headers.get("location")), step.cookie.value, []);
    expect(outcome.kind).toBe("problem");
    if (outcome.kind !== "problem") return;
    // The sandbox redeems the code and the tid check refuses it; Entra ID may already refuse the
    // code at the other tenant's token endpoint. Either way nothing is bound.
    expect(["sign_in_tenant_mismatch", "consent_sign_in_failed"]).toContain(outcome.problem.code);
    const attempts = await portal.database.db.selectFrom("consent_attempts").select("id").where("tenant_claim", "=", TENANTS.woodgrove).execute();
    expect(attempts).toEqual([]);
  });
});
