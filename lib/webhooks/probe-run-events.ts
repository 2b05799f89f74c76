import "server-only";

import type { Db } from "@/lib/db/database";
import { enqueueWebhookEvents, listSubscribedEndpoints } from "@/lib/db/repositories/webhooks";
import type { TenantStatus } from "@/lib/db/schema";
import { tenantConsentRevokedEvent, tenantRecoveredEvent, tenantRegressedEvent, type ProbeChange, type WebhookEvent } from "@/lib/webhooks/events";

const PROBE_RUN_EVENT_TYPES = ["tenant.regressed", "tenant.recovered", "tenant.consent_revoked"] as const;

export interface RunForEvents {
  id: string;
  tenantId: string;
  status: "passed" | "failed" | "error";
  finishedAt: Date;
  results: { probe: string; permission: string | null; outcome: "pass" | "fail" | "skip" | "error"; errorCode: string | null; finding: Record<string, unknown> | null }[];
  tenantChanges?: { status?: TenantStatus };
}

export interface PreviousRun {
  id: string;
  status: string;
  /** Per probe: did every iteration pass. */
  passed: Map<string, boolean>;
}

function findingId(finding: Record<string, unknown> | null): string | null {
  return finding && typeof finding.id === "string" ? finding.id : null;
}

/**
 * What a finished run means compared with the tenant's previous one (pure): regressed (a probe
 * that passed now fails), recovered (the previous run had failures, every probe now passes),
 * consent revoked (the run turns the tenant's status to revoked).
 */
export function probeRunEvents(run: RunForEvents, tenant: { displayName: string | null; status: TenantStatus }, previous: PreviousRun | null): WebhookEvent[] {
  const events: WebhookEvent[] = [];
  const ref = { tenantId: run.tenantId, displayName: tenant.displayName };
  const findings = [...new Set(run.results.map((r) => findingId(r.finding)).filter((f): f is string => f !== null))];
  if (run.tenantChanges?.status === "revoked" && tenant.status !== "revoked") events.push(tenantConsentRevokedEvent({ ...ref, probeRunId: run.id, findings }, run.finishedAt));
  if (!previous || run.status === "error") return events;
  const failing = new Map<string, ProbeChange>();
  for (const r of run.results) if (r.outcome === "fail" && !failing.has(r.probe)) failing.set(r.probe, { probe: r.probe, permission: r.permission, errorCode: r.errorCode, finding: findingId(r.finding) });
  const regressed = [...failing.values()].filter((c) => previous.passed.get(c.probe) === true);
  if (regressed.length > 0) events.push(tenantRegressedEvent({ ...ref, probeRunId: run.id, previousProbeRunId: previous.id, regressed, findings }, run.finishedAt));
  const hadFailures = previous.status === "failed" || [...previous.passed.values()].some((p) => !p);
  if (hadFailures && run.status === "passed" && failing.size === 0) {
    const recovered = [...previous.passed.entries()].filter(([, passed]) => !passed).map(([probe]) => probe);
    events.push(tenantRecoveredEvent({ ...ref, probeRunId: run.id, previousProbeRunId: previous.id, recoveredProbes: recovered.sort() }, run.finishedAt));
  }
  return events;
}

/**
 * Inside recordProbeRuns' transaction, before the tenants point at their new runs: compares each
 * run with the tenant's previous one and queues the events. Costs one query when no endpoint
 * listens to these events (probing is never slowed by webhooks nobody receives).
 */
export async function enqueueProbeRunEvents(trx: Db, runs: RunForEvents[]): Promise<number> {
  if (runs.length === 0) return 0;
  if ((await listSubscribedEndpoints(trx, PROBE_RUN_EVENT_TYPES)).length === 0) return 0;
  const tenantIds = [...new Set(runs.map((r) => r.tenantId.toLowerCase()))];
  const tenants = new Map<string, { displayName: string | null; status: TenantStatus; lastProbeRunId: string | null }>();
  for (let i = 0; i < tenantIds.length; i += 400) {
    const rows = await trx.selectFrom("tenants").select(["id", "display_name", "status", "last_probe_run_id"]).where("id", "in", tenantIds.slice(i, i + 400)).execute();
    for (const row of rows) tenants.set(row.id, { displayName: row.display_name, status: row.status, lastProbeRunId: row.last_probe_run_id });
  }
  const previousIds = [...new Set([...tenants.values()].map((t) => t.lastProbeRunId).filter((id): id is string => id !== null))];
  const previous = new Map<string, PreviousRun>();
  for (let i = 0; i < previousIds.length; i += 400) {
    const chunk = previousIds.slice(i, i + 400);
    const runRows = await trx.selectFrom("probe_runs").select(["id", "status"]).where("id", "in", chunk).execute();
    for (const row of runRows) previous.set(row.id, { id: row.id, status: row.status, passed: new Map() });
    const results = await trx.selectFrom("probe_results").select(["run_id", "probe", "outcome"]).where("run_id", "in", chunk).execute();
    for (const r of results) {
      const passed = previous.get(r.run_id)?.passed;
      if (!passed) continue;
      if (r.outcome === "skip") continue;
      passed.set(r.probe, (passed.get(r.probe) ?? true) && r.outcome === "pass");
    }
  }
  const events = runs.flatMap((run) => {
    const tenant = tenants.get(run.tenantId.toLowerCase());
    if (!tenant) return [];
    return probeRunEvents(run, tenant, tenant.lastProbeRunId ? (previous.get(tenant.lastProbeRunId) ?? null) : null);
  });
  return enqueueWebhookEvents(trx, events);
}
