import fc from "fast-check";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";

import { isBoundToAttempt } from "@/lib/consent/bound-cookie";
import { hashState, readConsentCookie, sealConsentFlow, sealSignInStep, type SignInStep } from "@/lib/consent/consent-cookie";
import { renderProblemHtml } from "@/lib/consent/problem-page";
import { handleSignInCallback, type SignInCallbackDeps } from "@/lib/consent/sign-in-callback";
import { listAudit } from "@/lib/db/repositories/audit";
import { listConsentEvents } from "@/lib/db/repositories/consent-events";
import { insertInvite } from "@/lib/db/repositories/invites";
import type { SignedInUser } from "@/lib/identity/sign-in";
import { generateInviteCode, hashInviteCode } from "@/lib/invites/invite-code";
import { currentPermissionSet } from "@/lib/permissions/permission-set";
import { createTestDatabase, ENGINES, type TestDatabase } from "../../support/databases";
import { configurePortalEnv } from "../../support/portal-env";

const FABRIKAM = "2f6b8c1d-4e3a-4f5b-9c7d-1a2b3c4d5e01";
const CONTOSO = "8d2f6a41-3c7e-4b90-a1d5-6e9f0b2c4d71";
const meta = { ip: "203.0.113.9", userAgent: "test" };
const megan: SignedInUser = { oid: "0b1c2d3e-0000-4000-8000-000000000001", tenantId: FABRIKAM, username: "megan@fabrikam.example", name: "Megan Admin", roles: [] };
const attacker: SignedInUser = { oid: "0b1c2d3e-0000-4000-8000-000000000002", tenantId: CONTOSO, username: "eve@contoso.example", name: "Eve", roles: [] };

let database: TestDatabase;
let verifications: string[];
let signIns: string[];
/** Who the fake token endpoint says signed in, per code. */
let usersByCode: Map<string, SignedInUser>;

const deps: SignInCallbackDeps = {
  tenantExists: async () => true,
  buildSignIn: async (tenantId, prompt) => {
    signIns.push(`${tenantId} ${prompt}`);
    return { url: `https://login.test/${tenantId}/oauth2/v2.0/authorize?prompt=${prompt}`, flow: { state: `again-${signIns.length}`, nonce: "n2", codeVerifier: "v2", issuedAt: Date.now() } };
  },
  redeem: async (code) => {
    const user = usersByCode.get(code);
    if (!user) throw Object.assign(new Error("AADSTS70008: The provided authorization code has expired."), { code: "invalid_grant" });
    return user;
  },
  startVerification: (id) => void verifications.push(id),
};

beforeEach(() => {
  verifications = [];
  signIns = [];
  usersByCode = new Map([
    ["code-megan", megan],
    ["code-eve", attacker],
  ]);
});

async function invite() {
  return insertInvite(database.db, { codeHash: hashInviteCode(generateInviteCode()), customerName: "Fabrikam", tenantHint: null, permissionSetVersion: 1, createdBy: "alice", ttlDays: 14 });
}

function step(overrides: Partial<SignInStep> = {}): SignInStep {
  return {
    consentStateHash: hashState(`consent-${Math.random()}`),
    inviteId: null,
    consentPath: "/consent",
    tenantClaim: FABRIKAM,
    scope: null,
    prompt: "none",
    signIn: { state: "sign-in-state", nonce: "n", codeVerifier: "v", issuedAt: Date.now() },
    ...overrides,
  };
}

async function signInCallback(query: string, cookieValue: string | undefined, boundCookieValue?: string) {
  return handleSignInCallback(database.db, { search: `?${query}`, cookieValue, boundCookieValue, meta }, deps);
}

async function counts() {
  const n = async (table: "tenants" | "consent_attempts" | "audit_log") =>
    Number((await database.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow()).n);
  return { tenants: await n("tenants"), attempts: await n("consent_attempts"), audit: await n("audit_log") };
}

describe.each(ENGINES)("the customer's sign-in after consent, on %s", (engine) => {
  beforeAll(async () => {
    configurePortalEnv();
    database = await createTestDatabase(engine);
    await currentPermissionSet(database.db);
  });
  afterAll(async () => {
    await database?.dispose();
  });

  it("binds the consent when the id_token's tid is the claimed tenant: attempt, who signed in, verification, this browser", async () => {
    const inv = await invite();
    const s = step({ inviteId: inv.id });
    const outcome = await signInCallback("code=code-megan&state=sign-in-state", (await sealSignInStep(s)).value);
    expect(outcome.kind).toBe("bound");
    if (outcome.kind !== "bound") return;
    expect(verifications).toEqual([outcome.attemptId]);
    const attempt = await database.db.selectFrom("consent_attempts").selectAll().where("id", "=", outcome.attemptId).executeTakeFirstOrThrow();
    expect(attempt).toMatchObject({ tenant_claim: FABRIKAM, invite_id: inv.id, status: "verifying", signed_in_oid: megan.oid, signed_in_upn: megan.username, signed_in_name: "Megan Admin" });
    const [consentCookie, boundCookie] = outcome.cookies;
    expect(await readConsentCookie(consentCookie!.value)).toMatchObject({ kind: "used", usedStateHash: s.consentStateHash });
    expect(boundCookie!.options).toMatchObject({ httpOnly: true, sameSite: "lax", path: "/" });
    expect(await isBoundToAttempt(boundCookie!.value, outcome.attemptId)).toBe(true);
    expect(await isBoundToAttempt(boundCookie!.value, "00000000-0000-4000-8000-000000000000")).toBe(false);
    const [entry] = await listAudit(database.db, { action: "consent.signed_in", limit: 1 });
    expect(entry).toMatchObject({ actor: "admin:megan@fabrikam.example", target: FABRIKAM });
  });

  it("refuses a user of another tenant than the one the callback named, and records only an unverified event", async () => {
    const inv = await invite();
    const before = await counts();
    const outcome = await signInCallback("code=code-eve&state=sign-in-state", (await sealSignInStep(step({ inviteId: inv.id }))).value);
    expect(outcome).toMatchObject({ kind: "problem", problem: { code: "sign_in_tenant_mismatch", status: 403 }, retryPath: "/consent" });
    if (outcome.kind !== "problem") return;
    expect(outcome.problem.details).toContainEqual({ label: "Your account's organization", value: CONTOSO });
    expect(await counts()).toEqual(before);
    expect(verifications).toEqual([]);
    const events = await listConsentEvents(database.db, { inviteId: inv.id });
    expect(events.map((e) => [e.kind, e.verified, e.errorCode])).toEqual([["failed", false, "sign_in_tenant_mismatch"]]);
  });

  it.each(["login_required", "interaction_required", "consent_required", "account_selection_required"])(
    "asks again with the account picker when prompt=none answers %s",
    async (error) => {
      const s = step();
      const outcome = await signInCallback(`error=${error}&state=sign-in-state&error_description=AADSTS50058%3A+no+user`, (await sealSignInStep(s)).value);
      expect(outcome.kind).toBe("sign-in");
      expect(signIns).toEqual([`${FABRIKAM} select_account`]);
      const next = outcome.kind === "sign-in" ? await readConsentCookie(outcome.cookie.value) : null;
      // The picker keeps the first sign-in's clock, so the whole binding stays within 15 minutes.
      expect(next).toMatchObject({ kind: "signing-in", step: { prompt: "select_account", consentStateHash: s.consentStateHash, signIn: { state: "again-1", issuedAt: s.signIn.issuedAt } } });
    },
  );

  it.each([
    ["an interactive sign-in that failed", "error=access_denied&state=sign-in-state&error_description=AADSTS50105%3A+not+assigned", "select_account", "consent_sign_in_failed"],
    ["a cancelled interactive sign-in", "error=access_denied&error_subcode=cancel&state=sign-in-state", "select_account", "cancelled"],
    ["prompt=none with another error", "error=server_error&state=sign-in-state", "none", "consent_sign_in_failed"],
    ["an answer with neither code nor error", "state=sign-in-state", "none", "consent_sign_in_failed"],
    ["a code the token endpoint refuses", "code=code-unknown&state=sign-in-state", "none", "consent_sign_in_failed"],
    ["another sign-in's state", "code=code-megan&state=other", "none", "state_unexpected"],
    ["no state", "code=code-megan", "none", "state_missing"],
  ] as const)("explains %s and binds nothing", async (_name, query, prompt, kind) => {
    const before = await counts();
    const outcome = await signInCallback(query, (await sealSignInStep(step({ prompt }))).value);
    expect(outcome).toMatchObject({ kind: "problem", problem: { code: kind } });
    expect(signIns).toEqual([]);
    expect((await counts()).attempts).toBe(before.attempts);
  });

  it("tells an expired sign-in from a missing one, and refuses a sign-in answer without a consent before it", async () => {
    const old = step({ signIn: { state: "sign-in-state", nonce: "n", codeVerifier: "v", issuedAt: Date.now() - 16 * 60_000 } });
    expect(await signInCallback("code=code-megan&state=sign-in-state", (await sealSignInStep(old)).value)).toMatchObject({ problem: { code: "state_expired" } });
    expect(await signInCallback("code=code-megan&state=sign-in-state", undefined)).toMatchObject({ problem: { code: "no_consent_in_progress" }, retryPath: null });
    const flowOnly = (await sealConsentFlow({ state: "sign-in-state", inviteId: null, issuedAt: Date.now(), consentPath: "/consent/abc" })).value;
    expect(await signInCallback("code=code-megan&state=sign-in-state", flowOnly)).toMatchObject({ problem: { code: "no_consent_in_progress" }, retryPath: "/consent/abc" });
    expect(verifications).toEqual([]);
  });

  it("binds one consent once: a replayed sign-in cookie and code cannot create a second attempt", async () => {
    const cookie = (await sealSignInStep(step())).value;
    const first = await signInCallback("code=code-megan&state=sign-in-state", cookie);
    expect(first.kind).toBe("bound");
    expect(await signInCallback("code=code-megan&state=sign-in-state", cookie)).toMatchObject({ problem: { code: "state_reused" } });
    // Back or reload after binding: the browser's marker remembers this sign-in answer.
    const spent = first.kind === "bound" ? first.cookies[0]!.value : "";
    expect(await signInCallback("code=code-megan&state=sign-in-state", spent)).toMatchObject({ problem: { code: "state_reused" } });
    expect(await signInCallback("code=code-megan&state=another-sign-in", spent)).toMatchObject({ problem: { code: "no_consent_in_progress" } });
    expect(verifications).toHaveLength(1);
  });

  it("keeps at most three verifications of one invite in flight", async () => {
    const inv = await invite();
    for (let i = 0; i < 3; i++) expect((await signInCallback("code=code-megan&state=sign-in-state", (await sealSignInStep(step({ inviteId: inv.id }))).value)).kind).toBe("bound");
    expect(await signInCallback("code=code-megan&state=sign-in-state", (await sealSignInStep(step({ inviteId: inv.id }))).value)).toMatchObject({
      problem: { code: "verifications_busy", status: 429 },
    });
  });
});

describe("fuzzing the sign-in that binds a consent", () => {
  beforeAll(async () => {
    configurePortalEnv();
    database = await createTestDatabase("sqlite");
    await currentPermissionSet(database.db);
  });
  afterAll(async () => {
    await database?.dispose();
  });

  const value = fc.oneof(
    fc.string({ maxLength: 60 }),
    fc.constantFrom("code-megan", "code-eve", "sign-in-state", "login_required", "<script>alert(1)</script>", "AADSTS50058: <img src=x onerror=alert(1)>", "%", "a".repeat(5000)),
  );
  const key = fc.constantFrom("code", "state", "error", "error_description", "error_subcode", "client_info", "session_state", "tenant", "admin_consent", "x");
  const query = fc.oneof(
    fc.array(fc.tuple(key, value), { maxLength: 12 }).map((pairs) => pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join("&")),
    fc.string({ maxLength: 200 }),
  );
  /** The browser's cookie: none, junk, a tampered seal, or a genuine sign-in step for Fabrikam. */
  const cookieKind = fc.constantFrom<"none" | "garbage" | "tampered" | "genuine">("none", "garbage", "tampered", "genuine");

  it("binds only a genuine state, a code and a user of the claimed tenant; never a 5xx or unescaped markup (2,000 cases)", async () => {
    await fc.assert(
      fc.asyncProperty(query, cookieKind, fc.constantFrom<"none" | "select_account">("none", "select_account"), async (q, kind, prompt) => {
        verifications = [];
        const s = step({ prompt });
        const genuine = (await sealSignInStep(s)).value;
        const cookie = kind === "none" ? undefined : kind === "garbage" ? "Fe26.2**garbage" : kind === "tampered" ? genuine.replace(/.$/, genuine.endsWith("x") ? "y" : "x") : genuine;
        const before = (await counts()).attempts;
        const outcome = await handleSignInCallback(database.db, { search: q, cookieValue: cookie, boundCookieValue: undefined, meta }, deps);
        const params = new URLSearchParams(q);
        if (outcome.kind === "bound") {
          expect(kind).toBe("genuine");
          expect(params.get("state")).toBe("sign-in-state");
          expect(usersByCode.get(params.get("code") ?? "")?.tenantId).toBe(FABRIKAM);
          expect(verifications).toEqual([outcome.attemptId]);
          expect((await counts()).attempts).toBe(before + 1);
        } else {
          expect(verifications).toEqual([]);
          expect((await counts()).attempts).toBe(before);
          if (outcome.kind === "problem") {
            expect(outcome.problem.status).toBeLessThan(500);
            expect(renderProblemHtml(outcome.problem)).not.toMatch(/<script|<img|onerror=/i);
          } else {
            // Only prompt=none may ask again, and only with the genuine state.
            expect([kind, prompt, params.get("state")]).toEqual(["genuine", "none", "sign-in-state"]);
          }
        }
      }),
      { numRuns: 2000 },
    );
    expect((await counts()).tenants).toBe(0);
  });
});
