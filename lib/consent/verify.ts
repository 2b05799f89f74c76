import "server-only";

import { appendAudit } from "@/lib/db/repositories/audit";
import { finishConsentAttempt, getConsentAttempt, recordAttemptTry, type ConsentAttempt } from "@/lib/db/repositories/consent-attempts";
import { recordConsentEvent } from "@/lib/db/repositories/consent-events";
import { getInvite, markInviteConsented, markInviteFailed } from "@/lib/db/repositories/invites";
import { upsertTenant } from "@/lib/db/repositories/tenants";
import type { Db } from "@/lib/db/database";
import { acquireAppToken, type AppToken } from "@/lib/identity/app-token";
import { IdentityError } from "@/lib/identity/identity-error";
import { readOrganization, type OrganizationProfile } from "@/lib/graph/organization";
import { canReadOrganization } from "@/lib/permissions/catalog";
import { currentPermissionSet } from "@/lib/permissions/permission-set";
import { runTenantProbes } from "@/lib/probes/run-tenant";

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
    void runTenantProbes(db, tenantId, { trigger: "consent" }).catch((error: unknown) =>
      console.error(`[probes] first run for ${tenantId} failed:`, error instanceof Error ? error.message : error),
    );
  },
};

/** Capped exponential backoff: 1 s, 2 s, 4 s, 8 s, then every 10 s. */
export function backoffMs(tryNumber: number): number {
  return Math.min(10_000, 1000 * 2 ** Math.max(0, tryNumber - 1));
}

/**
 * Proves a consent: an app-only token for the claimed tenant whose `tid` matches and
 * whose `roles` are present. While Microsoft replicates (AADSTS7000229, 700016, 65001,
 * or a token without roles) it retries with backoff until the attempt's deadline.
 * Only then is the tenant recorded as consented.
 */
export async function verifyConsentAttempt(db: Db, attemptId: string, deps: VerifyDeps = liveVerifyDeps): Promise<ConsentAttempt | null> {
  let attempt = await getConsentAttempt(db, attemptId);
  if (!attempt || attempt.status !== "verifying") return attempt;
  const deadline = Date.parse(attempt.deadlineAt);
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
      if (!failure?.aadsts || !REPLICATION_CODES.has(failure.aadsts)) {
        await recordAttemptTry(db, attemptId, { code, message });
        return fail(db, attempt, code, message);
      }
      lastIssue = { code, message };
      await recordAttemptTry(db, attemptId, lastIssue);
    }

    if (token) {
      if (token.claims.tid !== tenantId) {
        return fail(db, attempt, "tid_mismatch", `The token was issued for tenant ${token.claims.tid}, not ${tenantId}.`);
      }
      if (token.claims.roles.length > 0) return succeed(db, attempt, token, deps);
      lastIssue = { code: "no_roles", message: "The token carries no permissions yet." };
      await recordAttemptTry(db, attemptId, lastIssue);
    }

    const wait = backoffMs(tries);
    if (deps.now() + wait > deadline) {
      // Out of time. A token without roles still proves the consent exists, so the tenant is recorded as failed, with why.
      if (token) return succeed(db, attempt, token, deps);
      return fail(db, attempt, lastIssue.code, `${lastIssue.message} Microsoft had not finished the consent after ${Math.round((deadline - Date.parse(attempt.startedAt)) / 1000)} s.`);
    }
    await deps.sleep(wait);
    attempt = (await getConsentAttempt(db, attemptId)) ?? attempt;
    if (attempt.status !== "verifying") return attempt;
  }
}

async function succeed(db: Db, attempt: ConsentAttempt, token: AppToken, deps: VerifyDeps): Promise<ConsentAttempt | null> {
  const roles = [...token.claims.roles].sort();
  const invite = attempt.inviteId ? await getInvite(db, attempt.inviteId) : null;
  const set = invite ? { version: invite.permissionSetVersion } : await currentPermissionSet(db);
  const org = canReadOrganization(roles) ? await deps.readOrganization(token.accessToken).catch(() => null) : null;
  const at = new Date(deps.now()).toISOString();
  const withRoles = roles.length > 0;
  await upsertTenant(db, attempt.tenantClaim, {
    status: withRoles ? "consented" : "failed",
    roles,
    consentedPermissionSetVersion: set.version,
    consentedAt: at,
    verifiedAt: at,
    ...(org ? { displayName: org.displayName, initialDomain: org.initialDomain, defaultDomain: org.defaultDomain } : {}),
    ...(invite && !org ? { displayName: invite.customerName } : {}),
  });
  const finished = await finishConsentAttempt(db, attempt.id, withRoles ? { status: "verified", roles } : { status: "failed", roles, errorCode: "no_roles", error: "The consent exists but the app's token carries no permissions." });
  if (!finished) return getConsentAttempt(db, attempt.id);
  if (invite) {
    if (withRoles) await markInviteConsented(db, invite.id, attempt.tenantClaim);
    else await markInviteFailed(db, invite.id, "no_roles: consent exists but grants nothing");
  }
  await recordConsentEvent(db, {
    inviteId: attempt.inviteId,
    tenantId: attempt.tenantClaim,
    kind: withRoles ? "verified" : "failed",
    verified: true,
    errorCode: withRoles ? null : "no_roles",
    details: { attemptId: attempt.id, roles, organization: org?.displayName ?? null },
  });
  if (withRoles) deps.afterVerified?.(db, attempt.tenantClaim);
  await appendAudit(db, {
    actor: `admin:${attempt.tenantClaim}`,
    action: withRoles ? "consent.verified" : "consent.failed",
    target: attempt.tenantClaim,
    details: { attemptId: attempt.id, inviteId: attempt.inviteId, roles, permissionSetVersion: set.version },
  });
  return getConsentAttempt(db, attempt.id);
}

async function fail(db: Db, attempt: ConsentAttempt, code: string, message: string): Promise<ConsentAttempt | null> {
  const finished = await finishConsentAttempt(db, attempt.id, { status: "failed", errorCode: code, error: message });
  if (finished) {
    if (attempt.inviteId) await markInviteFailed(db, attempt.inviteId, `${code}: ${message}`);
    await recordConsentEvent(db, { inviteId: attempt.inviteId, tenantId: attempt.tenantClaim, kind: "failed", verified: false, errorCode: code, errorDescription: message, details: { attemptId: attempt.id } });
    await appendAudit(db, { actor: "system", action: "consent.failed", target: attempt.tenantClaim, details: { attemptId: attempt.id, code, message } });
  }
  return getConsentAttempt(db, attempt.id);
}

const running = (globalThis as unknown as { consentryVerifications?: Map<string, Promise<unknown>> }).consentryVerifications ?? new Map<string, Promise<unknown>>();
(globalThis as unknown as { consentryVerifications?: Map<string, Promise<unknown>> }).consentryVerifications = running;

/**
 * Runs verification for an attempt unless it already runs in this process. Called by
 * the callback and by every status read, so a restart resumes unfinished attempts.
 */
export function ensureVerification(db: Db, attemptId: string, deps: VerifyDeps = liveVerifyDeps): Promise<unknown> {
  const existing = running.get(attemptId);
  if (existing) return existing;
  const task = verifyConsentAttempt(db, attemptId, deps)
    .catch((error: unknown) => console.error(`[consent] verification of ${attemptId} failed:`, error instanceof Error ? error.message : error))
    .finally(() => running.delete(attemptId));
  running.set(attemptId, task);
  return task;
}
