import "server-only";

import { z } from "zod";

import type { Db } from "@/lib/db/database";
import { listProbeResults, listProbeRuns, recordProbeRuns, type NewProbeRun, type ProbeRun, type ProbeRunTrigger } from "@/lib/db/repositories/probe-runs";
import { getTenant, type Tenant, type TenantChanges } from "@/lib/db/repositories/tenants";
import { AppError } from "@/lib/errors";
import { currentPermissionSet } from "@/lib/permissions/permission-set";
import type { FindingId } from "@/lib/diagnosis/finding";
import { liveProbeDeps, probeTenantOnce, type ProbeDeps, type ProbeOutcome } from "@/lib/probes/runner";

export const MAX_ITERATIONS = 200;

export const runSummarySchema = z.object({
  iterations: z.number(),
  probes: z.record(z.string(), z.object({ pass: z.number(), fail: z.number(), skip: z.number() })),
  tokenRoles: z.array(z.string()).nullable(),
  exchangeTokenRoles: z.array(z.string()).nullable(),
  /** Absent in runs recorded before SharePoint had its own token. */
  sharepointTokenRoles: z.array(z.string()).nullable().optional(),
  grantedRoles: z.array(z.string()).nullable(),
  findings: z.array(z.string()),
  mailbox: z.string().nullable(),
});
export type RunSummary = z.infer<typeof runSummarySchema>;

const NOT_CONSENTED: FindingId[] = ["not_consented"];

export interface ProbeRunOptions {
  trigger: ProbeRunTrigger;
  iterations?: number;
  bulkRunId?: string | null;
}

export interface ProbedTenant {
  /** The finished run, ready to record (with what it taught about the tenant). */
  record: NewProbeRun;
  summary: RunSummary;
  outcomes: (ProbeOutcome & { iteration: number })[];
  /** What broke the run part-way, if anything; the run is still recorded, as "error". */
  error: unknown;
}

/**
 * Runs a tenant's probes (N times for a pass rate) without touching the database, and
 * returns the run to record: every result, a summary, and what was learned about the
 * tenant (roles in the token, domains, a test mailbox, a revoked consent as its status).
 */
export async function probeTenantRepeatedly(tenant: Tenant, options: ProbeRunOptions, deps: ProbeDeps = liveProbeDeps()): Promise<ProbedTenant> {
  const startedAt = new Date();
  const iterations = Math.max(1, Math.min(MAX_ITERATIONS, Math.floor(options.iterations ?? 1)));
  const target = { id: tenant.id, initialDomain: tenant.initialDomain, testMailbox: tenant.testMailbox };
  const all: (ProbeOutcome & { iteration: number })[] = [];
  const summary: RunSummary = { iterations, probes: {}, tokenRoles: null, exchangeTokenRoles: null, sharepointTokenRoles: null, grantedRoles: null, findings: [], mailbox: tenant.testMailbox };
  const learned: Partial<Pick<Tenant, "displayName" | "initialDomain" | "defaultDomain" | "testMailbox">> = {};
  const base = { tenantId: tenant.id, trigger: options.trigger, iterations, bulkRunId: options.bulkRunId ?? null, startedAt };

  try {
    const passDeps: ProbeDeps = { ...deps, failureContextCache: deps.failureContextCache ?? new Map() };
    for (let i = 1; i <= iterations; i++) {
      const pass = await probeTenantOnce(target, passDeps);
      for (const o of pass.outcomes) {
        all.push({ ...o, iteration: i });
        const counts = (summary.probes[o.probe] ??= { pass: 0, fail: 0, skip: 0 });
        counts[o.outcome]++;
        if (o.finding && !summary.findings.includes(o.finding.id)) summary.findings.push(o.finding.id);
      }
      summary.tokenRoles = pass.tokenRoles ?? summary.tokenRoles;
      summary.exchangeTokenRoles = pass.exchangeTokenRoles ?? summary.exchangeTokenRoles;
      summary.sharepointTokenRoles = pass.sharepointTokenRoles ?? summary.sharepointTokenRoles;
      if (pass.learned.grantedRoles) summary.grantedRoles = pass.learned.grantedRoles;
      if (pass.learned.initialDomain && !target.initialDomain) target.initialDomain = learned.initialDomain = pass.learned.initialDomain;
      if (pass.learned.displayName && !tenant.displayName) learned.displayName = pass.learned.displayName;
      if (pass.learned.defaultDomain && !tenant.defaultDomain) learned.defaultDomain = pass.learned.defaultDomain;
      if (pass.learned.mailboxCandidate && !target.testMailbox) target.testMailbox = learned.testMailbox = summary.mailbox = pass.learned.mailboxCandidate;
    }
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { record: { ...base, status: "error", finishedAt: new Date(), results: toResults(all), summary: { ...summary, error: message } }, summary, outcomes: all, error };
  }

  const status = all.some((o) => o.outcome === "fail") ? "failed" : "passed";
  const lostConsent = summary.findings.some((f) => NOT_CONSENTED.includes(f as FindingId)) && summary.tokenRoles === null;
  const roles = [...new Set([...(summary.tokenRoles ?? []), ...(summary.exchangeTokenRoles ?? []), ...(summary.sharepointTokenRoles ?? [])])].sort();
  const tenantChanges: TenantChanges = {
    ...learned,
    ...(summary.tokenRoles !== null ? { roles } : {}),
    ...(lostConsent && tenant.status === "consented" ? { status: "revoked" } : {}),
    ...(!lostConsent && summary.tokenRoles && summary.tokenRoles.length > 0 && tenant.status !== "consented" ? { status: "consented" } : {}),
  };
  return { record: { ...base, status, finishedAt: new Date(), results: toResults(all), summary, tenantChanges }, summary, outcomes: all, error: null };
}

/** Live dependencies probing the permission set in force (the app registration's, per resource). */
export async function liveProbeDepsFor(db: Db): Promise<ProbeDeps> {
  const current = await currentPermissionSet(db);
  return { ...liveProbeDeps(), permissions: current.permissions.map((p) => ({ resource: p.resource, value: p.value })) };
}

/** Probes one onboarded tenant (by ID, or the row a caller already loaded) now and records the run. */
export async function probeTenantAndRecord(
  db: Db,
  tenantOrId: string | Tenant,
  options: ProbeRunOptions = { trigger: "manual" },
  deps?: ProbeDeps,
): Promise<{ run: ProbeRun; summary: RunSummary; outcomes: (ProbeOutcome & { iteration: number })[] }> {
  const tenant = typeof tenantOrId === "string" ? await getTenant(db, tenantOrId) : tenantOrId;
  if (!tenant) throw new AppError("tenant_not_found", `No tenant ${String(tenantOrId).slice(0, 40)} is onboarded.`);
  const probed = await probeTenantRepeatedly(tenant, options, deps ?? (await liveProbeDepsFor(db)));
  const [run] = await recordProbeRuns(db, [probed.record]);
  if (probed.error) throw probed.error;
  return { run: run!, summary: probed.summary, outcomes: probed.outcomes };
}

function toResults(outcomes: (ProbeOutcome & { iteration: number })[]) {
  return outcomes.map((o) => ({
    iteration: o.iteration,
    probe: o.probe,
    permission: o.permission,
    outcome: o.outcome,
    httpStatus: o.httpStatus,
    latencyMs: o.latencyMs,
    requestId: o.requestId,
    errorCode: o.errorCode,
    errorMessage: o.errorMessage ?? o.note,
    finding: o.finding ? { ...o.finding } : null,
  }));
}

export interface LatestRun {
  run: ProbeRun;
  summary: RunSummary | null;
  results: Awaited<ReturnType<typeof listProbeResults>>;
}

export async function latestProbeRun(db: Db, tenantId: string): Promise<LatestRun | null> {
  const [run] = await listProbeRuns(db, tenantId, { limit: 1 });
  if (!run) return null;
  const parsed = runSummarySchema.safeParse(run.summary);
  return { run, summary: parsed.success ? parsed.data : null, results: await listProbeResults(db, run.id) };
}
