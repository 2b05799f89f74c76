import "server-only";

import { randomUUID } from "node:crypto";
import os from "node:os";

import type { Db } from "@/lib/db/database";
import { appendAudit } from "@/lib/db/repositories/audit";
import { claimBulkItems, completeBulkItem, createBulkRun, finishBulkRunIfDone, getBulkProgress, listRunningBulkRuns, type BulkRun } from "@/lib/db/repositories/bulk-runs";
import { listTenants } from "@/lib/db/repositories/tenants";
import type { Meta } from "@/lib/invites/invites";
import { runTenantProbes } from "@/lib/probes/run-tenant";
import type { Partner } from "@/lib/session/partner-session";

/** How many tenants this process probes at once across all bulk runs. */
export const BULK_CONCURRENCY = 32;
const LEASE_SECONDS = 120;

/** This instance's name in leases: another instance, or this one after a restart, is someone else. */
const INSTANCE = `${os.hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;

export interface BulkWorkerOptions {
  concurrency?: number;
  owner?: string;
  leaseSeconds?: number;
  /** Probes one tenant as part of the bulk run; returns the probe run's id. */
  probe?: (db: Db, tenantId: string, bulkRunId: string) => Promise<string>;
  /** Stop claiming (used to simulate a crash in tests). */
  signal?: AbortSignal;
  /** How long to wait when others hold the remaining leases. */
  idleMs?: number;
}

const liveProbe = async (db: Db, tenantId: string, bulkRunId: string) => (await runTenantProbes(db, tenantId, { trigger: "bulk", bulkRunId })).run.id;

const workers = ((globalThis as unknown as { consentryBulkWorkers?: Map<string, Promise<void>> }).consentryBulkWorkers ??= new Map());

/** "Test all tenants": a bulk run over every tenant that is not deleted, worked in the background. */
export async function startBulkRun(db: Db, partner: Partner, meta: Meta): Promise<BulkRun> {
  const tenants = (await listTenants(db, { limit: 100_000 })).filter((t) => t.status !== "deleted");
  const run = await createBulkRun(db, partner.username, tenants.map((t) => t.id));
  await appendAudit(db, { actor: partner.username, action: "probes.bulk_started", target: run.id, details: { tenants: run.total }, ...meta });
  void ensureBulkWorker(db, run.id);
  return run;
}

/**
 * Works a bulk run until no item is left: leases tenants, probes them with bounded
 * concurrency, records each as done. Idempotent per process; after a crash or restart,
 * leases that ran out are taken over, and finished tenants are never probed again.
 */
export function ensureBulkWorker(db: Db, bulkRunId: string, options: BulkWorkerOptions = {}): Promise<void> {
  const existing = workers.get(bulkRunId);
  if (existing) return existing;
  const task = work(db, bulkRunId, options).finally(() => workers.delete(bulkRunId));
  workers.set(bulkRunId, task);
  return task;
}

async function work(db: Db, bulkRunId: string, options: BulkWorkerOptions): Promise<void> {
  const concurrency = options.concurrency ?? BULK_CONCURRENCY;
  const owner = options.owner ?? INSTANCE;
  const probe = options.probe ?? liveProbe;
  const inFlight = new Set<Promise<void>>();
  for (;;) {
    if (options.signal?.aborted) break;
    const claimed = await claimBulkItems(db, bulkRunId, owner, concurrency - inFlight.size, options.leaseSeconds ?? LEASE_SECONDS);
    for (const tenantId of claimed) {
      const job: Promise<void> = (async () => {
        let probeRunId: string | null = null;
        let state: "done" | "failed" = "done";
        try {
          probeRunId = await probe(db, tenantId, bulkRunId);
        } catch (error) {
          state = "failed";
          console.error(`[bulk] ${tenantId} failed:`, error instanceof Error ? error.message : error);
        }
        if (options.signal?.aborted) return;
        try {
          await completeBulkItem(db, bulkRunId, tenantId, owner, { state, probeRunId });
        } catch (error) {
          // The lease runs out and the tenant is taken again; better twice than never.
          console.error(`[bulk] could not record ${tenantId}:`, error instanceof Error ? error.message : error);
        }
      })().finally(() => inFlight.delete(job));
      inFlight.add(job);
    }
    if (inFlight.size > 0) {
      await Promise.race(inFlight);
      continue;
    }
    if (await finishBulkRunIfDone(db, bulkRunId)) break;
    // Others hold the remaining leases; wait for them to finish or expire.
    await new Promise((resolve) => setTimeout(resolve, options.idleMs ?? 1000));
  }
  await Promise.all(inFlight);
}

/** Picks up bulk runs that were running when this process started. */
export async function resumeBulkRuns(db: Db): Promise<void> {
  for (const run of await listRunningBulkRuns(db)) void ensureBulkWorker(db, run.id);
}

export interface BulkProgressView {
  id: string;
  status: BulkRun["status"];
  total: number;
  done: number;
  failed: number;
  inProgress: number;
  remaining: number;
  elapsedSeconds: number;
  perMinute: number | null;
  etaSeconds: number | null;
  requestedBy: string;
  createdAt: string;
}

export async function bulkProgressView(db: Db, bulkRunId: string, now: number = Date.now()): Promise<BulkProgressView | null> {
  const progress = await getBulkProgress(db, bulkRunId);
  if (!progress) return null;
  if (progress.run.status === "running") void ensureBulkWorker(db, bulkRunId);
  const finished = progress.done + progress.failed;
  const end = progress.run.finished_at ? Date.parse(progress.run.finished_at) : now;
  const elapsedSeconds = Math.max(0, (end - Date.parse(progress.run.created_at)) / 1000);
  const perSecond = elapsedSeconds > 0 ? finished / elapsedSeconds : 0;
  const remaining = progress.queued + progress.leased;
  return {
    id: progress.run.id,
    status: progress.run.status,
    total: progress.run.total,
    done: progress.done,
    failed: progress.failed,
    inProgress: progress.leased,
    remaining,
    elapsedSeconds: Math.round(elapsedSeconds),
    perMinute: perSecond > 0 ? Math.round(perSecond * 60) : null,
    etaSeconds: perSecond > 0 && remaining > 0 ? Math.round(remaining / perSecond) : remaining === 0 ? 0 : null,
    requestedBy: progress.run.requested_by,
    createdAt: progress.run.created_at,
  };
}
