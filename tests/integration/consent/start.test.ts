import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { resetConfigForTests } from "@/lib/config";
import { readConsentCookie } from "@/lib/consent/consent-cookie";
import { startConsent } from "@/lib/consent/start-consent";
import { getInvite, insertInvite, revokeInvite } from "@/lib/db/repositories/invites";
import { listConsentEvents } from "@/lib/db/repositories/consent-events";
import { generateInviteCode, hashInviteCode } from "@/lib/invites/invite-code";
import { currentPermissionSet } from "@/lib/permissions/permission-set";
import { createTestDatabase, type TestDatabase } from "../../support/databases";
import { configurePortalEnv } from "../../support/portal-env";

const meta = { ip: null, userAgent: null };
let database: TestDatabase;

beforeAll(async () => {
  configurePortalEnv({ SANDBOX_LOGIN_HOST: "http://127.0.0.1:3101" });
  database = await createTestDatabase("sqlite");
  await currentPermissionSet(database.db);
});
afterAll(async () => {
  delete process.env.OPEN_ONBOARDING;
  resetConfigForTests();
  await database?.dispose();
});

async function newInvite(tenantHint: string | null, ttlDays = 14, now?: Date) {
  const code = generateInviteCode();
  const invite = await insertInvite(database.db, { codeHash: hashInviteCode(code), customerName: "C", tenantHint, permissionSetVersion: 1, createdBy: "a", ttlDays, now });
  return { code, invite };
}

describe("starting a consent", () => {
  it("redirects to the invited tenant's v1 admin consent with a fresh state sealed with the invite", async () => {
    const { code, invite } = await newInvite("fabrikam.example");
    const outcome = await startConsent(database.db, code, meta);
    expect(outcome.kind).toBe("redirect");
    if (outcome.kind !== "redirect") return;
    const url = new URL(outcome.url);
    expect(`${url.origin}${url.pathname}`).toBe("http://127.0.0.1:3101/fabrikam.example/adminconsent");
    expect(url.searchParams.get("redirect_uri")).toBe("http://localhost:3000/consent/callback");
    const state = url.searchParams.get("state")!;
    expect(Buffer.from(state, "base64url").length * 8).toBeGreaterThanOrEqual(128);
    expect(outcome.cookie.options).toMatchObject({ httpOnly: true, sameSite: "lax", secure: false, path: "/consent" });
    expect(outcome.cookie.options.maxAge).toBeLessThanOrEqual(20 * 60);
    const cookie = await readConsentCookie(outcome.cookie.value);
    expect(cookie).toMatchObject({ kind: "flow", flow: { state, inviteId: invite.id, consentPath: `/consent/${code}` } });
    expect((await listConsentEvents(database.db, { inviteId: invite.id }))[0]?.kind).toBe("started");
    // Starting (a POST) is what marks the invite opened; the consent page's GET writes nothing.
    expect((await getInvite(database.db, invite.id))?.state).toBe("opened");
    // A second start gets a different state.
    const again = await startConsent(database.db, code, meta);
    expect(again.kind === "redirect" && new URL(again.url).searchParams.get("state")).not.toBe(state);
  });

  it.each([
    ["an unknown code", async () => generateInviteCode(), "invite_unknown"],
    ["a malformed code", async () => "../../etc", "invite_unknown"],
    ["an expired invite", async () => (await newInvite(null, 1, new Date(Date.now() - 2 * 86_400_000))).code, "invite_expired"],
    [
      "a revoked invite",
      async () => {
        const { code, invite } = await newInvite(null);
        await revokeInvite(database.db, invite.id, "bob");
        return code;
      },
      "invite_revoked",
    ],
  ])("explains %s", async (_name, makeCode, kind) => {
    expect(await startConsent(database.db, await makeCode(), meta)).toMatchObject({ kind: "problem", problem: { code: kind } });
  });

  it("keeps open onboarding closed unless OPEN_ONBOARDING is on, then uses common", async () => {
    expect(await startConsent(database.db, null, meta)).toMatchObject({ kind: "problem", problem: { code: "onboarding_closed" } });
    process.env.OPEN_ONBOARDING = "true";
    resetConfigForTests();
    const outcome = await startConsent(database.db, null, meta);
    expect(outcome.kind === "redirect" && new URL(outcome.url).pathname).toBe("/common/adminconsent");
  });
});
