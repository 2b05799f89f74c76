import "server-only";

import { getConfig } from "@/lib/config";
import { problem, unusableInviteProblem, type Problem } from "@/lib/consent/problems";
import { getDb } from "@/lib/db/database";
import type { Db } from "@/lib/db/database";
import { getConsentAttempt, type ConsentAttempt } from "@/lib/db/repositories/consent-attempts";
import { listProbeRuns } from "@/lib/db/repositories/probe-runs";
import { getTenant } from "@/lib/db/repositories/tenants";
import { isBoundToAttempt } from "@/lib/consent/bound-cookie";
import { findInviteByCode } from "@/lib/invites/invites";
import type { PermissionSet } from "@/lib/db/repositories/permission-sets";
import { assessPermissions, type PermissionAssessment } from "@/lib/permissions/assess";
import { formatPermission, permissionKey, RESOURCE_LABELS, type PermissionEntry } from "@/lib/permissions/catalog";
import { currentPermissionSet } from "@/lib/permissions/permission-set";
import { loadPermissionReasons, reasonFor } from "@/lib/permissions/reasons";
import type { Finding } from "@/lib/diagnosis/finding";
import { getTenantProbesView, type ProbeLine } from "@/lib/probes/tenant-view";
import { evidenceFromSummary } from "@/lib/probes/truth-table";

/** A permission as the customer's admin reads it: Microsoft's words, and the partner's reason when given. */
export interface ConsentPermission {
  key: string;
  /** `Graph/Mail.Read`. */
  name: string;
  resourceLabel: string;
  /** Microsoft's display name and description of the app role (null when the registration could not be read). */
  displayName: string | null;
  description: string | null;
  /** The partner's "why", from permission-reasons.json. */
  why: string | null;
}

function describeForCustomer(list: readonly PermissionEntry[]): ConsentPermission[] {
  const reasons = loadPermissionReasons();
  return list.map((p) => ({
    key: permissionKey(p),
    name: formatPermission(p),
    resourceLabel: RESOURCE_LABELS[p.resource],
    displayName: p.displayName,
    description: p.description,
    why: reasonFor(reasons, p),
  }));
}

function describePermissions(set: PermissionSet): ConsentPermission[] {
  return describeForCustomer(set.permissions);
}

/** Something only the customer's admin can fix (never a re-consent: that is `missing`). */
export interface CustomerAction {
  title: string;
  fix: string;
}

export interface ConsentPageView {
  kind: "ok";
  appName: string;
  partnerName: string;
  customerName: string | null;
  tenantHint: string | null;
  permissions: ConsentPermission[];
  expiresAt: string | null;
  /** Where the button posts to. */
  startPath: string;
}

/** The public consent page of an invite (or of open onboarding when `code` is null). It only reads. */
export async function getConsentPageView(code: string | null): Promise<ConsentPageView | { kind: "problem"; problem: Problem }> {
  const config = getConfig();
  const db = await getDb();
  if (code === null) {
    if (!config.openOnboarding) return { kind: "problem", problem: problem("onboarding_closed") };
    const set = await currentPermissionSet(db);
    return { kind: "ok", appName: config.appDisplayName, partnerName: config.partnerDisplayName, customerName: null, tenantHint: null, permissions: describePermissions(set), expiresAt: null, startPath: "/consent/start" };
  }
  const found = await findInviteByCode(db, code);
  if (found.kind !== "ok") return { kind: "problem", problem: unusableInviteProblem(found.kind) };
  // Admin consent grants what the registration asks for now, so that is what the page lists, whatever version the invite was made under.
  const set = await currentPermissionSet(db);
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
  granted: ConsentPermission[];
  /** Configured for the app and really not granted: only these ask for a re-consent. */
  missing: ConsentPermission[];
  /** Granted but not yet in a token: Microsoft is still replicating; nothing to do. */
  pending: ConsentPermission[];
  /** What the customer's admin must do besides consenting (a directory role for Exchange, …), from the checks. */
  actions: CustomerAction[];
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
  const db = await getDb();
  const attempt = await getConsentAttempt(db, attemptId);
  if (!attempt) return null;
  const config = getConfig();
  // The same set and the same function as the tenant page (lib/probes/truth-table.ts), so they agree.
  const set = await currentPermissionSet(db);
  const tenant = attempt.status === "verifying" ? null : await getTenant(db, attempt.tenantClaim);
  const probes = (await checksAfterConsent(db, attempt)) === "done" ? await getTenantProbesView(attempt.tenantClaim) : null;
  const checks = probes?.latest?.lines ?? null;
  // Before the checks ran, only the verification's Graph token is known: other resources stay "unknown".
  const evidence = probes?.latest?.summary ? evidenceFromSummary(set.permissions, probes.latest.summary) : { configured: set.permissions, granted: null, tokenRoles: { graph: attempt.roles ?? null } };
  const assessed = assessPermissions(evidence);
  const pick = (rows: PermissionAssessment[]) => describeForCustomer(rows);
  return {
    status: attempt.status,
    signedIn: attempt.signedIn ? { name: attempt.signedIn.name, upn: attempt.signedIn.upn } : null,
    appName: config.appDisplayName,
    partnerName: config.partnerDisplayName,
    tenantId: attempt.tenantClaim,
    organization: tenant ? { name: tenant.displayName, initialDomain: tenant.initialDomain, defaultDomain: tenant.defaultDomain } : null,
    granted: pick(assessed.rows.filter((r) => r.state === "granted" || r.state === "not-in-token")),
    // Judged only once the checks ran (they read what was granted): before that, a role Microsoft is
    // still replicating would look missing and send the customer into a needless re-consent.
    missing: checks ? pick(assessed.notGranted) : [],
    pending: checks ? pick(assessed.notInToken) : [],
    actions: customerActions(checks),
    tries: attempt.tries,
    startedAt: attempt.startedAt,
    deadlineAt: attempt.deadlineAt,
    error: attempt.status === "failed" ? { code: attempt.lastErrorCode, message: attempt.lastError } : null,
    checks,
  };
}

/** Findings the customer's admin acts on, other than consenting again (the missing list says that). */
function customerActions(checks: ProbeLine[] | null): CustomerAction[] {
  const seen = new Map<string, CustomerAction>();
  for (const line of checks ?? []) {
    const finding = line.finding as Finding | null;
    if (!finding || finding.actor !== "customer_admin" || finding.reconsent) continue;
    if (!seen.has(finding.id)) seen.set(finding.id, { title: finding.title, fix: finding.fix });
  }
  return [...seen.values()];
}

/** The status the result page polls for; like the page, only for the bound browser. */
export async function getConsentAttemptStatus(attemptId: string, boundCookieValue: string | undefined): Promise<{ status: string; tries: number; checks: "pending" | "done" | "none" } | null> {
  if (!(await isBoundToAttempt(boundCookieValue, attemptId))) return null;
  const db = await getDb();
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
