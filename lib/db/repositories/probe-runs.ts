import "server-only";

import { z } from "zod";

import type { Db } from "@/lib/db/database";
import { timeOrderedId } from "@/lib/db/ids";
import { fromJson, nowIso, toJson } from "@/lib/db/repositories/json";
import { updateTenantsQuietly, type TenantChanges } from "@/lib/db/repositories/tenants";
import type { ProbeResultRow, ProbeRunRow, ProbeRunsTable, ProbeResultsTable } from "@/lib/db/schema";
import { enqueueProbeRunEvents } from "@/lib/webhooks/probe-run-events";

export type ProbeRunTrigger = ProbeRunsTable["trigger"];
export type ProbeRunStatus = ProbeRunsTable["status"];
export type ProbeOutcome = ProbeResultsTable["outcome"];

export interface ProbeRun {
  id: string;
  tenantId: string;
  bulkRunId: string | null;
  trigger: ProbeRunTrigger;
  iterations: number;
  status: ProbeRunStatus;
  startedAt: string;
  finishedAt: string | null;
  summary: Record<string, unknown> | null;
}

export interface ProbeResult {
  id: string;
  runId: string;
  iteration: number;
  probe: string;
  permission: string | null;
  outcome: ProbeOutcome;
  httpStatus: number | null;
  latencyMs: number | null;
  requestId: string | null;
  errorCode: string | null;
  errorMessage: string | null;
  finding: Record<string, unknown> | null;
  createdAt: string;
}

export type NewProbeResult = Omit<ProbeResult, "id" | "runId" | "createdAt" | "iteration"> & { iteration?: number };

const record = z.record(z.string(), z.unknown());

function toRun(row: ProbeRunRow): ProbeRun {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    bulkRunId: row.bulk_run_id,
    trigger: row.trigger,
    iterations: row.iterations,
    status: row.status,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    summary: fromJson(row.summary, record, "probe_runs.summary"),
  };
}

function toResult(row: ProbeResultRow): ProbeResult {
  return {
    id: row.id,
    runId: row.run_id,
    iteration: row.iteration,
    probe: row.probe,
    permission: row.permission,
    outcome: row.outcome,
    httpStatus: row.http_status,
    latencyMs: row.latency_ms,
    requestId: row.request_id,
    errorCode: row.error_code,
    errorMessage: row.error_message,
    finding: fromJson(row.finding, record, "probe_results.finding"),
    createdAt: row.created_at,
  };
}

export interface NewProbeRun {
  tenantId: string;
  trigger: ProbeRunTrigger;
  iterations: number;
  bulkRunId: string | null;
  status: Exclude<ProbeRunStatus, "running">;
  startedAt: Date;
  finishedAt: Date;
  summary: Record<string, unknown>;
  results: NewProbeResult[];
  /** What the run taught about the tenant (domains, roles, status), stored with it. */
  tenantChanges?: TenantChanges;
}

/** Rows per multi-row INSERT: far below SQLite's and PostgreSQL's bound-parameter limits. */
const INSERT_CHUNK = 400;

/**
 * Stores finished runs with their results, points each tenant at its run and applies what
 * the run learned, all in one transaction: history never holds half a run, and a group
 * of runs (a bulk run's recent tenants) costs one commit. `alongside` runs in the same
 * transaction (a bulk run marks its items done there).
 */
export async function recordProbeRuns(db: Db, runs: NewProbeRun[], alongside?: (trx: Db, stored: ProbeRun[]) => Promise<void>): Promise<ProbeRun[]> {
  const rows: ProbeRunRow[] = runs.map((run) => ({
    id: timeOrderedId(),
    tenant_id: run.tenantId.toLowerCase(),
    bulk_run_id: run.bulkRunId,
    trigger: run.trigger,
    iterations: run.iterations,
    status: run.status,
    started_at: nowIso(run.startedAt),
    finished_at: nowIso(run.finishedAt),
    summary: toJson(run.summary),
  }));
  const results = runs.flatMap((run, i) =>
    run.results.map((r) => ({
      id: timeOrderedId(),
      run_id: rows[i]!.id,
      iteration: r.iteration ?? 1,
      probe: r.probe,
      permission: r.permission,
      outcome: r.outcome,
      http_status: r.httpStatus,
      latency_ms: r.latencyMs === null ? null : Math.round(r.latencyMs),
      request_id: r.requestId,
      error_code: r.errorCode,
      error_message: r.errorMessage?.slice(0, 4000) ?? null,
      finding: toJson(r.finding),
      created_at: rows[i]!.finished_at!,
    })),
  );
  const stored = rows.map(toRun);
  if (rows.length === 0) return stored;
  await db.transaction().execute(async (trx) => {
    for (let i = 0; i < rows.length; i += INSERT_CHUNK) await trx.insertInto("probe_runs").values(rows.slice(i, i + INSERT_CHUNK)).execute();
    for (let i = 0; i < results.length; i += INSERT_CHUNK) await trx.insertInto("probe_results").values(results.slice(i, i + INSERT_CHUNK)).execute();
    // Webhook events (regressed, recovered, consent revoked) compare with each tenant's previous run, so before it moves on.
    await enqueueProbeRunEvents(trx, runs.map((run, i) => ({ ...run, id: rows[i]!.id })));
    await updateTenantsQuietly(
      trx,
      runs.map((run, i) => ({ id: run.tenantId, changes: { ...run.tenantChanges, lastProbeRun: { id: rows[i]!.id, status: rows[i]!.status, startedAt: rows[i]!.started_at } }, now: run.finishedAt })),
    );
    await alongside?.(trx, stored);
  });
  return stored;
}

export async function listProbeRuns(db: Db, tenantId: string, options: { limit?: number } = {}): Promise<ProbeRun[]> {
  const rows = await db
    .selectFrom("probe_runs")
    .selectAll()
    .where("tenant_id", "=", tenantId.toLowerCase())
    .orderBy("started_at", "desc")
    .orderBy("id")
    .limit(options.limit ?? 50)
    .execute();
  return rows.map(toRun);
}

export async function getProbeRun(db: Db, id: string): Promise<ProbeRun | null> {
  const row = await db.selectFrom("probe_runs").selectAll().where("id", "=", id).executeTakeFirst();
  return row ? toRun(row) : null;
}

/** The tenants whose run in this bulk run failed (or ended in error). */
export async function listFailedTenantIdsOfBulkRun(db: Db, bulkRunId: string): Promise<string[]> {
  const rows = await db.selectFrom("probe_runs").select("tenant_id").distinct().where("bulk_run_id", "=", bulkRunId).where("status", "in", ["failed", "error"]).orderBy("tenant_id").execute();
  return rows.map((r) => r.tenant_id);
}

export async function countFailedTenantsOfBulkRun(db: Db, bulkRunId: string): Promise<number> {
  const row = await db.selectFrom("probe_runs").select((eb) => eb.fn.count<number>("tenant_id").distinct().as("n")).where("bulk_run_id", "=", bulkRunId).where("status", "in", ["failed", "error"]).executeTakeFirst();
  return Number(row?.n ?? 0);
}

export async function listProbeResults(db: Db, runId: string): Promise<ProbeResult[]> {
  const rows = await db
    .selectFrom("probe_results")
    .selectAll()
    .where("run_id", "=", runId)
    .orderBy("iteration")
    .orderBy("probe")
    .execute();
  return rows.map(toResult);
}
