import "server-only";

import { getConfig } from "@/lib/config";
import { problem, type Problem } from "@/lib/consent/problems";
import { getDatabase } from "@/lib/db/database";
import type { Db } from "@/lib/db/database";
import { getConsentAttempt, type ConsentAttempt } from "@/lib/db/repositories/consent-attempts";
import { listProbeRuns } from "@/lib/db/repositories/probe-runs";
import { getInvite } from "@/lib/db/repositories/invites";
import { getPermissionSet } from "@/lib/db/repositories/permission-sets";
import { getTenant } from "@/lib/db/repositories/tenants";
import { isBoundToAttempt } from "@/lib/consent/bound-cookie";
import { findInviteByCode } from "@/lib/invites/invites";
import { findPermission, type PermissionInfo } from "@/lib/permissions/catalog";
import { currentPermissionSet, describePermissions } from "@/lib/permissions/permission-set";
import { getTenantProbesView, type ProbeLine } from "@/lib/probes/tenant-view";

export interface ConsentPageView {
  kind: "ok";
  appName: string;
  partnerName: string;
  customerName: string | null;
  tenantHint: string | null;
  permissions: PermissionInfo[];
  expiresAt: string | null;
  /** Where the button posts to. */
  startPath: string;
}

/** The public consent page of an invite (or of open onboarding when `code` is null). It only reads. */
export async function getConsentPageView(code: string | null): Promise<ConsentPageView | { kind: "problem"; problem: Problem }> {
  const config = getConfig();
  const { db } = await getDatabase();
  if (code === null) {
    if (!config.openOnboarding) return { kind: "problem", problem: problem("onboarding_closed") };
    const set = await currentPermissionSet(db);
    return { kind: "ok", appName: config.appDisplayName, partnerName: config.partnerDisplayName, customerName: null, tenantHint: null, permissions: describePermissions(set), expiresAt: null, startPath: "/consent/start" };
  }
  const found = await findInviteByCode(db, code);
  if (found.kind !== "ok") return { kind: "problem", problem: problem(found.kind === "unknown" ? "invite_unknown" : found.kind === "expired" ? "invite_expired" : "invite_revoked") };
  const set = (await getPermissionSet(db, found.invite.permissionSetVersion)) ?? (await currentPermissionSet(db));
  return {
    kind: "ok",
    appName: config.appDisplayName,
    partnerName: config.partnerDisplayName,
    customerName: found.invite.customerName,
    tenantHint: found.invite.tenantHint,
    permissions: describePermissions(set),
    expiresAt: found.invite.expiresAt,
    startPath: `/consent/${code}/start`,
  };
}

export interface ConsentResultView {
  status: "verifying" | "verified" | "failed";
  /** Who signed in, in this browser, and so confirmed the consent. */
  signedIn: { name: string; upn: string } | null;
  appName: string;
  partnerName: string;
  tenantId: string;
  organization: { name: string | null; initialDomain: string | null; defaultDomain: string | null } | null;
  granted: PermissionInfo[];
  /** Configured for the app but not in the token: the app cannot do these yet. */
  missing: PermissionInfo[];
  tries: number;
  startedAt: string;
  deadlineAt: string;
  error: { code: string | null; message: string | null } | null;
  /** The first probe run after this consent: null while it runs. */
  checks: ProbeLine[] | null;
}

/**
 * The admin's result page: verifying, then what was granted and what is missing.
 * Only the browser whose sign-in bound the attempt sees it; for any other browser, and
 * for an unknown attempt alike, null (so a guessed ID tells nothing, not even that it exists).
 */
export async function getConsentResultView(attemptId: string, boundCookieValue: string | undefined): Promise<ConsentResultView | null> {
  if (!(await isBoundToAttempt(boundCookieValue, attemptId))) return null;
  const { db } = await getDatabase();
  const attempt = await getConsentAttempt(db, attemptId);
  if (!attempt) return null;
  const config = getConfig();
  const invite = attempt.inviteId ? await getInvite(db, attempt.inviteId) : null;
  const set = (invite ? await getPermissionSet(db, invite.permissionSetVersion) : null) ?? (await currentPermissionSet(db));
  const roles = new Set(attempt.roles ?? []);
  const configured = describePermissions(set);
  const tenant = attempt.status === "verifying" ? null : await getTenant(db, attempt.tenantClaim);
  const checks = (await checksAfterConsent(db, attempt)) === "done" ? ((await getTenantProbesView(attempt.tenantClaim)).latest?.lines ?? null) : null;
  return {
    status: attempt.status,
    signedIn: attempt.signedIn ? { name: attempt.signedIn.name, upn: attempt.signedIn.upn } : null,
    appName: config.appDisplayName,
    partnerName: config.partnerDisplayName,
    tenantId: attempt.tenantClaim,
    organization: tenant ? { name: tenant.displayName, initialDomain: tenant.initialDomain, defaultDomain: tenant.defaultDomain } : null,
    granted: [...roles].map((r) => findPermission(r) ?? { name: r, resource: "graph", appRoleId: "", description: "A permission Consentry has no description for.", why: "" }),
    // The attempt's roles are the Graph token's: only Graph permissions can be judged missing from it.
    // (Exchange's are in Exchange's own token; the checks below show whether they work.)
    missing: attempt.status === "verifying" ? [] : configured.filter((p) => p.resource === "graph" && !roles.has(p.name)),
    tries: attempt.tries,
    startedAt: attempt.startedAt,
    deadlineAt: attempt.deadlineAt,
    error: attempt.status === "failed" ? { code: attempt.lastErrorCode, message: attempt.lastError } : null,
    checks,
  };
}

/** The status the result page polls for; like the page, only for the bound browser. */
export async function getConsentAttemptStatus(attemptId: string, boundCookieValue: string | undefined): Promise<{ status: string; tries: number; checks: "pending" | "done" | "none" } | null> {
  if (!(await isBoundToAttempt(boundCookieValue, attemptId))) return null;
  const { db } = await getDatabase();
  const attempt = await getConsentAttempt(db, attemptId);
  if (!attempt) return null;
  return { status: attempt.status, tries: attempt.tries, checks: await checksAfterConsent(db, attempt) };
}

/** Whether the probe run that verification starts has finished ("none" before verification succeeds). */
async function checksAfterConsent(db: Db, attempt: ConsentAttempt): Promise<"pending" | "done" | "none"> {
  if (attempt.status !== "verified" || !attempt.finishedAt) return "none";
  const [latest] = await listProbeRuns(db, attempt.tenantClaim, { limit: 1 });
  return latest?.finishedAt && latest.startedAt >= attempt.finishedAt ? "done" : "pending";
}
