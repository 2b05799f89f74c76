import "server-only";

import { customerActor, recordConsentOutcome } from "@/lib/consent/record-outcome";
import { getConsentAttempt, listVerifyingAttemptIds, recordAttemptTry, type ConsentAttempt, type SignedInCustomer } from "@/lib/db/repositories/consent-attempts";
import { getInvite } from "@/lib/db/repositories/invites";
import type { Db } from "@/lib/db/database";
import { acquireAppToken, type AppToken } from "@/lib/identity/app-token";
import { IdentityError } from "@/lib/identity/identity-error";
import { readOrganization, type OrganizationProfile } from "@/lib/graph/organization";
import { logger } from "@/lib/log/logger";
import { runAsBackgroundWork } from "@/lib/log/request-context";
import { canReadOrganization } from "@/lib/permissions/catalog";
import { currentPermissionSet } from "@/lib/permissions/permission-set";
import { probeTenantAndRecord } from "@/lib/probes/run-tenant";

/** AADSTS codes that mean "consent not visible yet" right after an admin consented. */
export const REPLICATION_CODES = new Set([7000229, 700016, 65001]);

export interface VerifyDeps {
  acquireToken(tenantId: string): Promise<AppToken>;
  readOrganization(accessToken: string): Promise<OrganizationProfile | null>;
  sleep(ms: number): Promise<void>;
  now(): number;
  /** Runs after a tenant is verified (the live deps start its first probe run). */
  afterVerified?(db: Db, tenantId: string): void;
}

export const liveVerifyDeps: VerifyDeps = {
  acquireToken: (tenantId) => acquireAppToken(tenantId, "graph", { fresh: true }),
  readOrganization: async (token) => {
    const result = await readOrganization(token);
    return result.ok ? result.data : null;
  },
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  now: () => Date.now(),
  afterVerified: (db, tenantId) => {
    void probeTenantAndRecord(db, tenantId, { trigger: "consent" }).catch((error: unknown) =>
      logger("probes").error({ err: error, tenantId }, "the first probe run after consent failed"),
    );
  },
};

/** Capped exponential backoff: 1 s, 2 s, 4 s, 8 s, then every 10 s. */
export function backoffMs(tryNumber: number): number {
  return Math.min(10_000, 1000 * 2 ** Math.max(0, tryNumber - 1));
}

/**
 * Proves a bound consent: an app-only token for the tenant whose `tid` matches and
 * whose `roles` are present. While Microsoft replicates (AADSTS7000229, 700016, 65001,
 * or a token without roles) it retries with backoff until the attempt's deadline.
 * Attempts exist only once a user of the tenant signed in in the consenting browser
 * (see lib/consent/sign-in-callback.ts), so this never runs on a bare claim.
 */
export async function verifyConsentAttempt(db: Db, attemptId: string, deps: VerifyDeps = liveVerifyDeps): Promise<ConsentAttempt | null> {
  let attempt = await getConsentAttempt(db, attemptId);
  if (!attempt || attempt.status !== "verifying") return attempt;
  const deadline = Date.parse(attempt.deadlineAt);
  const signedIn = attempt.signedIn;
  if (!signedIn) return fail(db, attempt, "unbound", "No sign-in in the consenting browser confirmed this consent.", deps);
  // Resumed after its time ran out (the portal was stopped): one late token would prove nothing more than the deadline allows.
  if (deps.now() > deadline) return fail(db, attempt, "replication_timeout", "The time to confirm this consent ran out while the portal was stopped.", deps);
  const tenantId = attempt.tenantClaim;
  let tries = attempt.tries;
  let lastIssue: { code: string; message: string } = { code: "replication_timeout", message: "Microsoft did not finish the consent in time." };

  for (;;) {
    tries++;
    let token: AppToken | null = null;
    try {
      token = await deps.acquireToken(tenantId);
    } catch (error) {
      const failure = error instanceof IdentityError ? error.failure : null;
      const code = failure?.aadsts ? `AADSTS${failure.aadsts}` : (failure?.error ?? "token_error");
      const message = failure?.description ?? (error instanceof Error ? error.message : String(error));
      await recordAttemptTry(db, attemptId, { code, message });
      if (!failure?.aadsts || !REPLICATION_CODES.has(failure.aadsts)) return fail(db, attempt, code, message, deps);
      lastIssue = { code, message };
    }

    if (token) {
      if (token.claims.tid !== tenantId) {
        return fail(db, attempt, "tid_mismatch", `The token was issued for tenant ${token.claims.tid}, not ${tenantId}.`, deps);
      }
      if (token.claims.roles.length > 0) return succeed(db, attempt, signedIn, token, deps);
      lastIssue = { code: "no_roles", message: "The token carries no permissions yet." };
      await recordAttemptTry(db, attemptId, lastIssue);
    }

    const wait = backoffMs(tries);
    if (deps.now() + wait > deadline) {
      // Out of time. A token without roles still proves the consent exists, so the tenant is recorded as failed, with why.
      if (token) return succeed(db, attempt, signedIn, token, deps);
      return fail(db, attempt, lastIssue.code, `${lastIssue.message} Microsoft had not finished the consent after ${Math.round((deadline - Date.parse(attempt.startedAt)) / 1000)} s.`, deps);
    }
    await deps.sleep(wait);
    attempt = (await getConsentAttempt(db, attemptId)) ?? attempt;
    if (attempt.status !== "verifying") return attempt;
  }
}

async function succeed(db: Db, attempt: ConsentAttempt, signedIn: SignedInCustomer, token: AppToken, deps: VerifyDeps): Promise<ConsentAttempt | null> {
  const roles = [...token.claims.roles].sort();
  const invite = attempt.inviteId ? await getInvite(db, attempt.inviteId) : null;
  // Admin consent grants what the registration asks for now, whatever version the invite was made under.
  const version = (await currentPermissionSet(db)).version;
  const organization = canReadOrganization(roles) ? await deps.readOrganization(token.accessToken).catch(() => null) : null;
  const recorded = await recordConsentOutcome(
    db,
    {
      tenantId: attempt.tenantClaim,
      attempt: { id: attempt.id, inviteId: attempt.inviteId },
      result: { kind: "verified", roles, organization, permissionSetVersion: version, consentedBy: signedIn, fallbackName: invite?.customerName ?? null },
      actor: customerActor(signedIn),
      action: roles.length ? "consent.verified" : "consent.failed",
    },
    new Date(deps.now()),
  );
  if (recorded && roles.length) deps.afterVerified?.(db, attempt.tenantClaim);
  return getConsentAttempt(db, attempt.id);
}

async function fail(db: Db, attempt: ConsentAttempt, code: string, message: string, deps: VerifyDeps): Promise<ConsentAttempt | null> {
  await recordConsentOutcome(
    db,
    { tenantId: attempt.tenantClaim, attempt: { id: attempt.id, inviteId: attempt.inviteId }, result: { kind: "failed", code, message }, actor: "system", action: "consent.failed" },
    new Date(deps.now()),
  );
  return getConsentAttempt(db, attempt.id);
}

const running = (globalThis as unknown as { consentryVerifications?: Map<string, Promise<unknown>> }).consentryVerifications ?? new Map<string, Promise<unknown>>();
(globalThis as unknown as { consentryVerifications?: Map<string, Promise<unknown>> }).consentryVerifications = running;

/** How many verifications of one invite may run at once; more wait for these to finish. */
export const MAX_VERIFICATIONS_PER_INVITE = 3;

/**
 * Runs verification for an attempt unless it already runs in this process (at most
 * one in flight per attempt). Started by the bound sign-in's callback, and at start-up
 * for attempts a stopped process left unfinished — never by a page or status read.
 */
export function startVerification(db: Db, attemptId: string, deps: VerifyDeps = liveVerifyDeps): Promise<unknown> {
  const existing = running.get(attemptId);
  if (existing) return existing;
  const task = runAsBackgroundWork(() => verifyConsentAttempt(db, attemptId, deps).catch((error: unknown) => logger("consent").error({ err: error, attemptId }, "consent verification failed")))
    .finally(() => running.delete(attemptId));
  running.set(attemptId, task);
  return task;
}

/** At start-up: continues every attempt still verifying (their deadlines still apply). */
export async function resumeConsentVerifications(db: Db): Promise<number> {
  const ids = await listVerifyingAttemptIds(db);
  for (const id of ids) void startVerification(db, id);
  return ids.length;
}
