import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { listAudit } from "@/lib/db/repositories/audit";
import { insertConsentAttempt } from "@/lib/db/repositories/consent-attempts";
import { listConsentEvents } from "@/lib/db/repositories/consent-events";
import { getInvite, insertInvite } from "@/lib/db/repositories/invites";
import { getTenant } from "@/lib/db/repositories/tenants";
import { backoffMs, verifyConsentAttempt, type VerifyDeps } from "@/lib/consent/verify";
import type { AppToken } from "@/lib/identity/app-token";
import { IdentityError } from "@/lib/identity/identity-error";
import { generateInviteCode, hashInviteCode } from "@/lib/invites/invite-code";
import { currentPermissionSet } from "@/lib/permissions/permission-set";
import { createTestDatabase, ENGINES, type TestDatabase } from "../../support/databases";
import { configurePortalEnv } from "../../support/portal-env";

const TENANT = "2f6b8c1d-4e3a-4f5b-9c7d-1a2b3c4d5e01";
const MEGAN = { oid: "0b1c2d3e-0000-4000-8000-000000000001", name: "Megan Admin", upn: "megan@fabrikam.example" };

function token(roles: string[], tid = TENANT): AppToken {
  return { accessToken: "t", claims: { tid, roles, appid: "app", oid: "sp", idtyp: "app", appidacr: "2" }, expiresOn: null };
}

function aadsts(code: number) {
  return new IdentityError({ error: "invalid_client", aadsts: code, description: `AADSTS${code}: not yet`, traceId: null, correlationId: null, status: 401, transport: null });
}

/** A fake clock and a scripted token endpoint: each call takes the next answer. */
function scripted(answers: (AppToken | Error)[]) {
  let now = Date.parse("2026-11-23T10:00:00.000Z");
  const waits: number[] = [];
  const deps: VerifyDeps = {
    acquireToken: async () => {
      const next = answers.shift();
      if (!next) throw new Error("no more answers");
      if (next instanceof Error) throw next;
      return next;
    },
    readOrganization: async () => ({ id: TENANT, displayName: "Fabrikam", initialDomain: "fabrikam.onmicrosoft.com", defaultDomain: "fabrikam.example" }),
    sleep: async (ms) => {
      waits.push(ms);
      now += ms;
    },
    now: () => now,
  };
  return { deps, waits, start: now };
}

describe.each(ENGINES)("verifying a consent on %s", (engine) => {
  let database: TestDatabase;
  beforeAll(async () => {
    configurePortalEnv();
    database = await createTestDatabase(engine);
    await currentPermissionSet(database.db);
  });
  afterAll(async () => {
    await database?.dispose();
  });

  async function attempt(start: number, timeoutSeconds = 120, withInvite = true) {
    const inv = withInvite
      ? await insertInvite(database.db, { codeHash: hashInviteCode(generateInviteCode()), customerName: "Fabrikam", tenantHint: null, permissionSetVersion: 1, createdBy: "alice", ttlDays: 14 })
      : null;
    const a = await insertConsentAttempt(database.db, { inviteId: inv?.id ?? null, stateHash: Math.random().toString(36), tenantClaim: TENANT, deadline: new Date(start + timeoutSeconds * 1000), signedIn: MEGAN, ip: null, userAgent: null }, new Date(start));
    return { attempt: a!, invite: inv };
  }

  it("waits through replication (7000229, then a token without roles) and records the verified tenant", async () => {
    const { deps, waits, start } = scripted([aadsts(7000229), aadsts(7000229), token([]), token(["Mail.Read", "Organization.Read.All"])]);
    const { attempt: a, invite } = await attempt(start);
    const result = await verifyConsentAttempt(database.db, a.id, deps);
    expect(result).toMatchObject({ status: "verified", roles: ["Mail.Read", "Organization.Read.All"], tries: 3 });
    expect(waits).toEqual([1000, 2000, 4000]);
    const tenant = await getTenant(database.db, TENANT);
    expect(tenant).toMatchObject({ status: "consented", displayName: "Fabrikam", initialDomain: "fabrikam.onmicrosoft.com", defaultDomain: "fabrikam.example", consentedPermissionSetVersion: 1 });
    expect((await getInvite(database.db, invite!.id))?.state).toBe("consented");
    const events = await listConsentEvents(database.db, { tenantId: TENANT });
    expect(events[0]).toMatchObject({ kind: "verified", verified: true });
  });

  it("closes an attempt no sign-in bound (from before binding existed) without asking for a token", async () => {
    const { deps, waits, start } = scripted([token(["Mail.Read"])]);
    const { attempt: a } = await attempt(start);
    await database.db.updateTable("consent_attempts").set({ signed_in_oid: null, signed_in_name: null, signed_in_upn: null }).where("id", "=", a.id).execute();
    const before = await getTenant(database.db, TENANT);
    expect(await verifyConsentAttempt(database.db, a.id, deps)).toMatchObject({ status: "failed", lastErrorCode: "unbound", tries: 0 });
    expect(waits).toEqual([]);
    expect(await getTenant(database.db, TENANT)).toEqual(before);
  });

  it("resumed after its deadline, fails without a late token deciding it", async () => {
    const { deps, start } = scripted([token(["Mail.Read"])]);
    const { attempt: a } = await attempt(start - 10 * 60_000, 120);
    expect(await verifyConsentAttempt(database.db, a.id, deps)).toMatchObject({ status: "failed", lastErrorCode: "replication_timeout", tries: 0 });
  });

  it("records who signed in as who consented, on the tenant and in the audit log", async () => {
    const { deps, start } = scripted([token(["Mail.Read"])]);
    const { attempt: a } = await attempt(start);
    await verifyConsentAttempt(database.db, a.id, deps);
    expect((await getTenant(database.db, TENANT))?.consentedBy).toEqual(MEGAN);
    const entry = (await listAudit(database.db, { action: "consent.verified" })).find((e) => e.details?.attemptId === a.id);
    expect(entry).toMatchObject({ actor: "admin:megan@fabrikam.example", target: TENANT, details: { attemptId: a.id, consentedBy: MEGAN } });
  });

  it("records a failure on the attempt, the invite, an event and the audit log, and leaves the tenant alone", async () => {
    const { deps, start } = scripted([aadsts(7000215)]);
    const before = await getTenant(database.db, TENANT);
    const { attempt: a, invite } = await attempt(start);
    await verifyConsentAttempt(database.db, a.id, deps);
    expect(await getTenant(database.db, TENANT)).toEqual(before);
    expect((await getInvite(database.db, invite!.id))?.lastError).toMatch(/^AADSTS7000215/);
    const entry = (await listAudit(database.db, { action: "consent.failed" })).find((e) => e.details?.attemptId === a.id);
    expect(entry).toMatchObject({ target: TENANT, details: { attemptId: a.id, code: "AADSTS7000215" } });
  });

  it("stops at the deadline and says Microsoft had not finished", async () => {
    const { deps, start } = scripted(Array.from({ length: 50 }, () => aadsts(7000229)));
    const { attempt: a } = await attempt(start, 30);
    const result = await verifyConsentAttempt(database.db, a.id, deps);
    expect(result).toMatchObject({ status: "failed", lastErrorCode: "AADSTS7000229" });
    expect(result?.lastError).toMatch(/had not finished the consent after 30 s/);
  });

  it("fails at once on an error that waiting will not fix (a wrong secret)", async () => {
    const { deps, waits, start } = scripted([aadsts(7000215)]);
    const { attempt: a } = await attempt(start);
    expect(await verifyConsentAttempt(database.db, a.id, deps)).toMatchObject({ status: "failed", lastErrorCode: "AADSTS7000215" });
    expect(waits).toEqual([]);
  });

  it("refuses a token for another tenant than the claimed one", async () => {
    const { deps, start } = scripted([token(["Mail.Read"], "99999999-9999-4999-8999-999999999999")]);
    const { attempt: a } = await attempt(start);
    expect(await verifyConsentAttempt(database.db, a.id, deps)).toMatchObject({ status: "failed", lastErrorCode: "tid_mismatch" });
  });

  it("does nothing for an attempt that is already finished", async () => {
    const { deps, start } = scripted([token(["Mail.Read"])]);
    const { attempt: a } = await attempt(start);
    await verifyConsentAttempt(database.db, a.id, deps);
    const again = scripted([]);
    expect(await verifyConsentAttempt(database.db, a.id, again.deps)).toMatchObject({ status: "verified" });
  });

  it("two verifications of one tenant at once leave one tenant", async () => {
    const first = scripted([token(["Mail.Read"])]);
    const second = scripted([token(["Mail.Read", "User.Read.All"])]);
    const [a, b] = [await attempt(first.start, 120, false), await attempt(second.start, 120, false)];
    await Promise.all([verifyConsentAttempt(database.db, a.attempt.id, first.deps), verifyConsentAttempt(database.db, b.attempt.id, second.deps)]);
    const rows = await database.db.selectFrom("tenants").select("id").where("id", "=", TENANT).execute();
    expect(rows).toHaveLength(1);
  });
});

describe("backoff", () => {
  it("doubles from 1 s and caps at 10 s", () => {
    expect([1, 2, 3, 4, 5, 6, 20].map(backoffMs)).toEqual([1000, 2000, 4000, 8000, 10000, 10000, 10000]);
  });
});
