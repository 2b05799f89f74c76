import { describe, expect, it } from "vitest";

import { signEveryoneOut } from "@/lib/auth/admin-settings";
import { finishPartnerSignIn, startPartnerSignIn } from "@/lib/auth/partner-sign-in";
import { signOutPartner } from "@/lib/auth/sign-out";
import { listAudit } from "@/lib/db/repositories/audit";
import { getPartnerSessionVersion } from "@/lib/db/repositories/portal-settings";
import { inspectPartnerSession, type Partner } from "@/lib/session/partner-session";
import { setUpPortalOnEmulator } from "../../support/portal-on-emulator";

// Partner sign-in against the sandbox, whose partner tenant gives its staff the app's roles:
// Alice Consentry.Admin, Bob Consentry.Operator, Rita Consentry.Reader, Nora none.
const USERS = {
  alice: "a1000000-0000-4000-8000-000000000001",
  bob: "a1000000-0000-4000-8000-000000000002",
  rita: "a1000000-0000-4000-8000-000000000003",
  nora: "a1000000-0000-4000-8000-000000000004",
  megan: "b2000000-0000-4000-8000-000000000001",
};
const meta = { ip: "203.0.113.7", userAgent: "vitest" };


const portal = setUpPortalOnEmulator();

/** The portal's sign-in as a browser would run it: start, pick the user on the sandbox's page, come back. */
async function signInAs(userId: string) {
  const { url, cookie } = await startPartnerSignIn("/dashboard/invites");
  const authorize = new URL(url);
  const answer = await fetch(`${authorize.origin}${authorize.pathname}`, {
    method: "POST",
    body: new URLSearchParams({ ...Object.fromEntries(authorize.searchParams), login_user: userId }),
    redirect: "manual",
  });
  expect(answer.status).toBe(302);
  const back = new URL(answer.headers.get("location")!);
  expect(back.pathname).toBe("/auth/callback");
  return finishPartnerSignIn(portal.database.db, back.searchParams, cookie.value, meta);
}

async function sessionOf(userId: string): Promise<{ partner: Partner; cookie: string }> {
  const outcome = await signInAs(userId);
  if (outcome.kind !== "signed-in") throw new Error(`expected a session, got ${JSON.stringify(outcome)}`);
  const lookup = await inspectPartnerSession(outcome.sessionCookie.value, (await getPartnerSessionVersion(portal.database.db)).version);
  if (lookup.status !== "active") throw new Error(`expected an active session, got ${lookup.status}`);
  return { partner: lookup.partner, cookie: outcome.sessionCookie.value };
}

describe("partner sign-in with app roles", () => {
  it.each([
    ["Alice", USERS.alice, "admin"],
    ["Bob", USERS.bob, "operator"],
    ["Rita", USERS.rita, "reader"],
  ] as const)("gives %s the %s role from the id_token's roles claim", async (_name, userId, role) => {
    const { partner } = await sessionOf(userId);
    expect(partner.role).toBe(role);
    expect(partner.lastSeenAt).toBe(partner.signedInAt);
    expect(partner.sessionVersion).toBe((await getPartnerSessionVersion(portal.database.db)).version);
  });

  it("refuses Nora, a partner-tenant user without a role, names the roles to ask for and how they are assigned, and audits it", async () => {
    const outcome = await signInAs(USERS.nora);
    expect(outcome.kind).toBe("problem");
    if (outcome.kind !== "problem") return;
    expect(outcome.problem).toMatchObject({ code: "no_partner_role", status: 403, title: "Ask for a Consentry role first" });
    const text = [outcome.problem.message, outcome.problem.next, ...(outcome.problem.details ?? []).flatMap((d) => [d.label, d.value])].join("\n");
    expect(text).toContain("nora@contoso-partners.example");
    for (const value of ["Consentry.Reader", "Consentry.Operator", "Consentry.Admin"]) expect(text).toContain(value);
    expect(text).toMatch(/Enterprise applications → .+ → Users and groups → Add user\/group/);
    const [entry] = await listAudit(portal.database.db, { action: "partner.sign_in_refused_no_role", limit: 1 });
    expect(entry).toMatchObject({ actor: "nora@contoso-partners.example", ip: meta.ip, details: { roles: [] } });
  });

  it("still refuses a customer's user before looking at roles", async () => {
    const outcome = await signInAs(USERS.megan);
    expect(outcome).toMatchObject({ kind: "problem", problem: { code: "not_partner", status: 403 } });
  });
});

describe("sign everyone out", () => {
  it("ends every session sealed before it, keeps the admin who asked signed in, and audits it", async () => {
    const bob = await sessionOf(USERS.bob);
    const alice = await sessionOf(USERS.alice);
    const before = (await getPartnerSessionVersion(portal.database.db)).version;

    const { version, cookie } = await signEveryoneOut(portal.database.db, alice.partner, meta);
    expect(version).toBe(before + 1);
    const current = (await getPartnerSessionVersion(portal.database.db)).version;
    expect(current).toBe(version);

    expect((await inspectPartnerSession(bob.cookie, current)).status).toBe("revoked");
    expect((await inspectPartnerSession(alice.cookie, current)).status).toBe("revoked");
    expect(await inspectPartnerSession(cookie.value, current)).toMatchObject({ status: "active", partner: { username: "alice@contoso-partners.example", sessionVersion: version } });
    // Signing in again gives a session of the new version.
    expect((await sessionOf(USERS.bob)).partner.sessionVersion).toBe(version);

    const [entry] = await listAudit(portal.database.db, { action: "partner.sessions_revoked", limit: 1 });
    expect(entry).toMatchObject({ actor: "alice@contoso-partners.example", details: { sessionVersion: version } });
  });
});

describe("sign-out", () => {
  const ORIGIN = "http://localhost:3000";

  it("signs out a POST from the portal's own page and audits it", async () => {
    const { cookie } = await sessionOf(USERS.rita);
    const outcome = await signOutPartner(portal.database.db, new Headers({ origin: ORIGIN }), cookie, meta);
    expect(outcome).toEqual({ kind: "signed-out" });
    const [entry] = await listAudit(portal.database.db, { action: "partner.signed_out", limit: 1 });
    expect(entry?.actor).toBe("rita@contoso-partners.example");
  });

  it.each([
    ["another site's Origin", { origin: "https://evil.example" }],
    ["Sec-Fetch-Site cross-site without Origin", { "sec-fetch-site": "cross-site" }],
    ["neither header", {}],
  ])("refuses %s with a 403 page and records nothing", async (_label, headers) => {
    const { cookie } = await sessionOf(USERS.rita);
    const auditBefore = (await listAudit(portal.database.db, { action: "partner.signed_out", limit: 1000 })).length;
    const outcome = await signOutPartner(portal.database.db, new Headers(headers), cookie, meta);
    expect(outcome).toMatchObject({ kind: "refused", page: { code: "sign_out_refused", status: 403 } });
    expect((await listAudit(portal.database.db, { action: "partner.signed_out", limit: 1000 })).length).toBe(auditBefore);
  });
});
