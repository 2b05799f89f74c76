import "server-only";

import { randomUUID } from "node:crypto";
import { z } from "zod";

import type { Db } from "@/lib/db/database";
import { fromJson, nowIso, toJson } from "@/lib/db/repositories/json";
import type { ProbeResultRow, ProbeRunRow, ProbeRunsTable, ProbeResultsTable } from "@/lib/db/schema";

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

export async function startProbeRun(
  db: Db,
  input: { tenantId: string; trigger: ProbeRunTrigger; iterations?: number; bulkRunId?: string | null },
  now?: Date,
): Promise<ProbeRun> {
  const row: ProbeRunRow = {
    id: randomUUID(),
    tenant_id: input.tenantId.toLowerCase(),
    bulk_run_id: input.bulkRunId ?? null,
    trigger: input.trigger,
    iterations: input.iterations ?? 1,
    status: "running",
    started_at: nowIso(now),
    finished_at: null,
    summary: null,
  };
  await db.insertInto("probe_runs").values(row).execute();
  return toRun(row);
}

/** Stores a run's results and closes it in one transaction, so history never holds half a run. */
export async function finishProbeRun(
  db: Db,
  runId: string,
  outcome: { status: Exclude<ProbeRunStatus, "running">; results: NewProbeResult[]; summary?: Record<string, unknown> },
  now?: Date,
): Promise<void> {
  const at = nowIso(now);
  await db.transaction().execute(async (trx) => {
    const closed = await trx
      .updateTable("probe_runs")
      .set({ status: outcome.status, finished_at: at, summary: toJson(outcome.summary) })
      .where("id", "=", runId)
      .where("status", "=", "running")
      .returning("tenant_id")
      .executeTakeFirst();
    if (!closed) {
      const exists = await trx.selectFrom("probe_runs").select("id").where("id", "=", runId).executeTakeFirst();
      throw new Error(exists ? `Probe run ${runId} is already finished.` : `Probe run ${runId} does not exist.`);
    }
    if (outcome.results.length > 0) {
      await trx
        .insertInto("probe_results")
        .values(
          outcome.results.map((r) => ({
            id: randomUUID(),
            run_id: runId,
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
            created_at: at,
          })),
        )
        .execute();
    }
    await trx.updateTable("tenants").set({ last_probe_run_id: runId, updated_at: at }).where("id", "=", closed.tenant_id).execute();
  });
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
