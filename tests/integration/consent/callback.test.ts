import fc from "fast-check";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";

import { handleConsentCallback, type CallbackDeps } from "@/lib/consent/callback";
import { hashState, readConsentCookie, sealConsentFlow, sealUsedMarker } from "@/lib/consent/consent-cookie";
import { renderProblemHtml } from "@/lib/consent/problem-page";
import { listAudit } from "@/lib/db/repositories/audit";
import { getInvite, insertInvite } from "@/lib/db/repositories/invites";
import { IdentityError } from "@/lib/identity/identity-error";
import { listConsentEvents } from "@/lib/db/repositories/consent-events";
import { generateInviteCode, hashInviteCode } from "@/lib/invites/invite-code";
import { currentPermissionSet } from "@/lib/permissions/permission-set";
import { createTestDatabase, type TestDatabase } from "../../support/databases";
import { configurePortalEnv } from "../../support/portal-env";

const FABRIKAM = "2f6b8c1d-4e3a-4f5b-9c7d-1a2b3c4d5e01";
const WOODGROVE = "5c9e1f4a-7b6d-4c8e-8f0a-4d5e6f7a8b04";
const meta = { ip: "203.0.113.9", userAgent: "test" };

let database: TestDatabase;
/** The sign-ins the callback asked for: tenant and prompt. */
let started: string[] = [];
const deps: CallbackDeps = {
  resolveTenantId: async (hint) => (hint === "woodgrove.example" ? WOODGROVE : hint === "fabrikam.example" ? FABRIKAM : null),
  tenantExists: async () => true,
  buildSignIn: async (tenantId, prompt) => {
    started.push(`${tenantId} ${prompt}`);
    return { url: `https://login.test/${tenantId}/oauth2/v2.0/authorize?prompt=${prompt}`, flow: { state: "sign-in-state", nonce: "n", codeVerifier: "v", issuedAt: Date.now() } };
  },
};

beforeAll(async () => {
  configurePortalEnv();
  database = await createTestDatabase("sqlite");
  await currentPermissionSet(database.db);
});
afterAll(async () => {
  await database?.dispose();
});
beforeEach(() => {
  started = [];
});

async function invite(tenantHint: string | null = null) {
  return insertInvite(database.db, { codeHash: hashInviteCode(generateInviteCode()), customerName: "Customer", tenantHint, permissionSetVersion: 1, createdBy: "alice", ttlDays: 14 });
}

async function cookieFor(state: string, inviteId: string | null, issuedAt = Date.now()) {
  return (await sealConsentFlow({ state, inviteId, issuedAt, consentPath: "/consent" })).value;
}

async function callback(query: string, cookieValue?: string) {
  return handleConsentCallback(database.db, { search: `?${query}`, cookieValue, meta }, deps);
}

async function counts() {
  const tenants = await database.db.selectFrom("tenants").select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow();
  const attempts = await database.db.selectFrom("consent_attempts").select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow();
  return { tenants: Number(tenants.n), attempts: Number(attempts.n) };
}

describe("the consent callback", () => {
  it("sends a matching state on to a silent sign-in at the claimed tenant and records only an unverified claim", async () => {
    const inv = await invite("fabrikam.example");
    const outcome = await callback(`admin_consent=True&tenant=${FABRIKAM}&state=abc123`, await cookieFor("abc123", inv.id));
    expect(outcome.kind).toBe("sign-in");
    if (outcome.kind !== "sign-in") return;
    expect(started).toEqual([`${FABRIKAM} none`]);
    expect(outcome.url).toBe(`https://login.test/${FABRIKAM}/oauth2/v2.0/authorize?prompt=none`);
    expect(await readConsentCookie(outcome.cookie.value)).toMatchObject({
      kind: "signing-in",
      step: { consentStateHash: hashState("abc123"), inviteId: inv.id, tenantClaim: FABRIKAM, prompt: "none", signIn: { state: "sign-in-state" } },
    });
    const events = await listConsentEvents(database.db, { inviteId: inv.id });
    expect(events.map((e) => [e.kind, e.verified])).toEqual([["callback", false]]);
    expect(await counts()).toEqual({ tenants: 0, attempts: 0 });
  });

  it("refuses the forged callback of the README's curl example and records nothing", async () => {
    const before = await counts();
    const outcome = await callback(`tenant=0f1e2d3c-4b5a-6978-8a9b-acbdcedf0011&state=forged&admin_consent=True`);
    expect(outcome).toMatchObject({ kind: "problem", problem: { code: "no_consent_in_progress", status: 400 } });
    expect(await counts()).toEqual(before);
  });

  it.each([
    ["no state in the answer", "admin_consent=True&tenant=" + FABRIKAM, "s1", "state_missing", 400],
    ["another state than the cookie's", "admin_consent=True&state=other&tenant=" + FABRIKAM, "s1", "state_unexpected", 400],
    ["a repeated parameter", "admin_consent=True&state=s1&state=s1&tenant=" + FABRIKAM, "s1", "malformed_callback", 400],
    ["an oversized answer", "admin_consent=True&state=s1&error_description=" + "x".repeat(9000), "s1", "malformed_callback", 400],
    ["a tenant that is not a GUID", "admin_consent=True&state=s1&tenant=evil.example%2Fsteal", "s1", "invalid_tenant", 400],
    ["a cancel", "error=access_denied&error_subcode=cancel&state=s1&error_description=AADSTS65004%3A+User+declined+to+consent+to+access+the+app.", "s1", "cancelled", 200],
    ["a decline", "error=access_denied&state=s1&error_description=AADSTS65004%3A+User+declined+to+consent+to+access+the+app.", "s1", "declined", 200],
    ["a non-admin", "error=access_denied&state=s1&error_description=AADSTS90094%3A+The+grant+requires+admin+permission.", "s1", "admin_required", 200],
    ["any other error", "error=server_error&state=s1&error_description=AADSTS50020%3A+User+account+from+identity+provider+does+not+exist.%0D%0ATrace+ID%3A+1f6a92a9-f3a8-4071-889a-6a2ea88d9500%0D%0ACorrelation+ID%3A+0d1a5c28-3487-4767-a690-9cc680689523", "s1", "consent_error", 502],
  ])("explains %s", async (_name, query, cookieState, kind, status) => {
    const outcome = await callback(query, await cookieFor(cookieState, (await invite()).id));
    expect(outcome.kind).toBe("problem");
    if (outcome.kind !== "problem") return;
    expect(outcome.problem).toMatchObject({ code: kind, status });
    expect(started).toEqual([]);
  });

  it.each([
    ["a tenant the cloud does not know", false, "tenant_unknown_to_cloud", 400],
    ["an identity platform that does not answer", true, "identity_unavailable", 502],
  ] as const)("explains a sign-in that cannot start, for %s", async (_name, exists, kind, status) => {
    const failing: CallbackDeps = {
      ...deps,
      tenantExists: async () => exists,
      buildSignIn: async () => {
        throw new IdentityError({ error: "endpoints_resolution_error", aadsts: null, description: "See https://aka.ms/msal.js.errors", traceId: null, correlationId: null, status: null, transport: null });
      },
    };
    const outcome = await handleConsentCallback(database.db, { search: `?admin_consent=True&tenant=${FABRIKAM}&state=s9`, cookieValue: await cookieFor("s9", null), meta }, failing);
    expect(outcome).toMatchObject({ kind: "problem", problem: { code: kind, status } });
    expect((await counts()).attempts).toBe(0);
  });

  it("records a decline in the audit log, shows its code, and leaves an invite that already succeeded consented", async () => {
    const inv = await invite();
    await database.db.updateTable("invites").set({ consented_at: new Date().toISOString() }).where("id", "=", inv.id).execute();
    const outcome = await callback("error=access_denied&state=s10&error_description=AADSTS65004%3A+User+declined+to+consent+to+access+the+app.", await cookieFor("s10", inv.id));
    expect(outcome).toMatchObject({ kind: "problem", problem: { code: "declined", details: [{ label: "Error code", value: "AADSTS65004" }] }, retryPath: "/consent" });
    expect(await getInvite(database.db, inv.id)).toMatchObject({ state: "consented", lastError: null });
    const entry = (await listAudit(database.db, { action: "consent.failed" })).find((e) => e.target === inv.id);
    expect(entry).toMatchObject({ actor: "admin:unknown", details: { reason: "declined", aadsts: 65004 } });
  });

  it("gives support the AADSTS code, trace and correlation IDs of other errors", async () => {
    const outcome = await callback(
      "error=server_error&state=s2&error_description=AADSTS50020%3A+User+account+does+not+exist.%0D%0ATrace+ID%3A+1f6a92a9-f3a8-4071-889a-6a2ea88d9500%0D%0ACorrelation+ID%3A+0d1a5c28-3487-4767-a690-9cc680689523",
      await cookieFor("s2", null),
    );
    expect(outcome.kind === "problem" && outcome.problem.details).toEqual([
      { label: "Error code", value: "AADSTS50020" },
      { label: "Message", value: "User account does not exist." },
      { label: "Trace ID", value: "1f6a92a9-f3a8-4071-889a-6a2ea88d9500" },
      { label: "Correlation ID", value: "0d1a5c28-3487-4767-a690-9cc680689523" },
    ]);
  });

  it("tells an expired state from a missing one", async () => {
    const old = await cookieFor("s3", null, Date.now() - 16 * 60_000);
    expect(await callback(`admin_consent=True&state=s3&tenant=${FABRIKAM}`, old)).toMatchObject({ problem: { code: "state_expired" } });
    expect(await callback(`admin_consent=True&state=s3&tenant=${FABRIKAM}`, "garbage-cookie")).toMatchObject({ problem: { code: "no_consent_in_progress" } });
  });

  it("refuses a replay in the same browser, and offers to try again from the consent page", async () => {
    const inv = await invite();
    const cookie = await cookieFor("once", inv.id);
    const first = await callback(`admin_consent=True&state=once&tenant=${FABRIKAM}`, cookie);
    expect(first.kind).toBe("sign-in");
    // The browser now holds the sign-in step, which remembers the spent state: reloading the callback says so.
    expect(await callback(`admin_consent=True&state=once&tenant=${FABRIKAM}`, first.cookie!.value)).toMatchObject({ problem: { code: "state_reused", status: 409 }, retryPath: "/consent" });
    expect(started).toHaveLength(1);
    const used = (await sealUsedMarker(hashState("other"), null)).value;
    expect(await callback(`admin_consent=True&state=once&tenant=${FABRIKAM}`, used)).toMatchObject({ problem: { code: "no_consent_in_progress" } });
  });

  it("binds a state to its invite: invite A's state cannot complete invite B", async () => {
    const a = await invite();
    const b = await invite();
    const cookieA = await cookieFor("state-a", a.id);
    // B's state with A's cookie: unexpected.
    expect(await callback(`admin_consent=True&state=state-b&tenant=${FABRIKAM}`, cookieA)).toMatchObject({ problem: { code: "state_unexpected" } });
    // A's state continues A, never B.
    const outcome = await callback(`admin_consent=True&state=state-a&tenant=${FABRIKAM}`, cookieA);
    expect(outcome.kind).toBe("sign-in");
    expect(outcome.kind === "sign-in" && (await readConsentCookie(outcome.cookie.value))).toMatchObject({ kind: "signing-in", step: { inviteId: a.id } });
    expect(await listConsentEvents(database.db, { inviteId: b.id })).toEqual([]);
  });

  it.each([
    ["a GUID hint", WOODGROVE],
    ["a domain hint (resolved through OpenID metadata)", "woodgrove.example"],
  ])("refuses a tenant other than the invited one, with %s", async (_name, hint) => {
    const inv = await invite(hint);
    const outcome = await callback(`admin_consent=True&state=mm&tenant=${FABRIKAM}`, await cookieFor("mm", inv.id));
    expect(outcome).toMatchObject({ kind: "problem", problem: { code: "tenant_mismatch", status: 403 } });
    const events = await listConsentEvents(database.db, { inviteId: inv.id });
    expect(events[0]).toMatchObject({ kind: "failed", verified: false, errorCode: "tenant_mismatch" });
  });
});

describe("fuzzing the consent callback", () => {
  const tenantLike = fc.oneof(
    fc.uuid(),
    fc.constantFrom("evil.example", "evil.example/steal", "../../etc/passwd", "%2F%2Fevil.example", "127.0.0.1:22", "common", "organizations", "<script>alert(1)</script>", "\u0000\u001f", "a".repeat(5000)),
    fc.string({ maxLength: 200 }),
  );
  const param = fc.tuple(
    fc.constantFrom("tenant", "state", "admin_consent", "scope", "error", "error_description", "error_subcode", "error_uri", "x", "STATE", "tenant[]"),
    fc.oneof(tenantLike, fc.string({ maxLength: 50 }), fc.constantFrom("True", "cancel", "AADSTS65004: <img src=x onerror=alert(1)>\r\nTrace ID: x", "s-valid")),
  );
  const query = fc.array(param, { maxLength: 20 }).map((pairs) => pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join("&"));
  const rawQuery = fc.oneof(query, fc.string({ maxLength: 300 }), fc.constant("%"), fc.constant("a=%E0%A4%A"));

  it("never fails with a 5xx, never records a tenant or attempt, never echoes unescaped markup (2,000 cases)", async () => {
    const before = await counts();
    const validCookie = await cookieFor("s-valid", null);
    await fc.assert(
      fc.asyncProperty(rawQuery, fc.constantFrom<"none" | "garbage" | "other-state">("none", "garbage", "other-state"), async (q, cookieKind) => {
        const cookie = cookieKind === "none" ? undefined : cookieKind === "garbage" ? "Fe26.2**garbage" : validCookie.replace(/.$/, "x");
        const outcome = await handleConsentCallback(database.db, { search: q, cookieValue: cookie, meta }, deps);
        expect(outcome.kind).toBe("problem");
        if (outcome.kind === "problem") {
          expect(outcome.problem.status).toBeLessThan(500);
          const html = renderProblemHtml(outcome.problem);
          expect(html).not.toMatch(/<script|<img|onerror=/i);
        }
      }),
      { numRuns: 2000 },
    );
    expect(await counts()).toEqual(before);
    expect(started).toEqual([]);
  });

  it("with a genuine state, only a GUID tenant ever reaches the sign-in (500 cases)", async () => {
    await fc.assert(
      fc.asyncProperty(tenantLike, fc.boolean(), async (tenant, withError) => {
        started = [];
        const state = `st-${Math.random().toString(36).slice(2)}`;
        const q = new URLSearchParams({ state, tenant, admin_consent: "True", ...(withError ? { error: "access_denied", error_description: `AADSTS65004: <b>${tenant}</b>` } : {}) });
        const outcome = await handleConsentCallback(database.db, { search: `?${q}`, cookieValue: await cookieFor(state, null), meta }, deps);
        if (outcome.kind === "sign-in") {
          expect(tenant).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i);
          expect(withError).toBe(false);
        } else {
          expect(outcome.problem.status).toBeLessThan(500);
          expect(renderProblemHtml(outcome.problem)).not.toMatch(/<b>|<script/i);
        }
      }),
      { numRuns: 500 },
    );
    expect(await counts()).toEqual({ tenants: 0, attempts: 0 });
  });
});
