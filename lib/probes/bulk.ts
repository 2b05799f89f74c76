import "server-only";

import { randomUUID } from "node:crypto";
import os from "node:os";

import type { Db } from "@/lib/db/database";
import { appendAudit } from "@/lib/db/repositories/audit";
import { claimBulkItems, completeBulkItems, createBulkRun, finishBulkRunIfDone, getBulkProgress, listRunningBulkRuns, type BulkItemOutcome, type BulkRun } from "@/lib/db/repositories/bulk-runs";
import { countFailedTenantsOfBulkRun, recordProbeRuns, type NewProbeRun } from "@/lib/db/repositories/probe-runs";
import { getTenants, listTenants, type Tenant } from "@/lib/db/repositories/tenants";
import type { Meta } from "@/lib/http/request-meta";
import { logger } from "@/lib/log/logger";
import { runAsBackgroundWork } from "@/lib/log/request-context";
import { refreshPermissionSet } from "@/lib/permissions/registration";
import { liveProbeDepsFor, probeTenantRepeatedly } from "@/lib/probes/run-tenant";
import type { ProbeDeps } from "@/lib/probes/runner";
import type { Partner } from "@/lib/session/partner-session";

/** How many tenants this process probes at once, across all its bulk runs. */
export const BULK_CONCURRENCY = 32;
const LEASE_SECONDS = 120;

/** This instance's name in leases: another instance, or this one after a restart, is someone else. */
const INSTANCE = `${os.hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;

export interface BulkWorkerOptions {
  /** A limit of this worker's own; without one, the run shares the process's BULK_CONCURRENCY with other bulk runs. */
  concurrency?: number;
  owner?: string;
  leaseSeconds?: number;
  /**
   * Probes one tenant as part of the bulk run and returns the run to record. Waits
   * (Retry-After, backoff) go through `pacing.sleep`, which gives the tenant's slot to
   * another tenant meanwhile.
   */
  probe?: (tenant: Tenant, bulkRunId: string, pacing: Pacing) => Promise<NewProbeRun>;
  /** Stop claiming and drop unrecorded results (used to simulate a crash in tests). */
  signal?: AbortSignal;
  /** How long to wait when others hold the remaining leases. */
  idleMs?: number;
}

export interface Pacing {
  sleep(ms: number): Promise<void>;
}

/**
 * Probes one tenant for a bulk run with the current permission set's probes, read once
 * per worker (startBulkRun refreshed it from the app registration just before).
 */
function liveProbeFor(db: Db) {
  let depsOnce: Promise<ProbeDeps> | null = null;
  return async (tenant: Tenant, bulkRunId: string, pacing: Pacing): Promise<NewProbeRun> => {
    const deps = await (depsOnce ??= liveProbeDepsFor(db));
    const probed = await probeTenantRepeatedly(tenant, { trigger: "bulk", bulkRunId }, { ...deps, policy: { ...deps.policy, sleep: pacing.sleep } });
    if (probed.error) logger("bulk").error({ err: probed.error, tenantId: tenant.id, bulkRunId }, "probing a tenant failed");
    return probed.record;
  };
}

const workers = ((globalThis as unknown as { consentryBulkWorkers?: Map<string, Promise<void>> }).consentryBulkWorkers ??= new Map());

/** "Test all tenants": a bulk run over every tenant that is not deleted, worked in the background. */
export async function startBulkRun(db: Db, partner: Partner, meta: Meta): Promise<BulkRun> {
  await refreshPermissionSet(db).catch(() => undefined); // the app registration's permissions, read again before each bulk run (unreadable: the last version stays)
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
  const task = runAsBackgroundWork(() => work(db, bulkRunId, options)).finally(() => workers.delete(bulkRunId));
  workers.set(bulkRunId, task);
  return task;
}

/** Results wait at most this long, or until this many are ready, before they are recorded together. */
const GROUP_COMMIT_MS = 25;

/** A tenant done probing: its run to store (none if probing broke) and how its item ends. */
interface Finished {
  run: NewProbeRun | null;
  outcome: BulkItemOutcome;
}

/**
 * Records finished tenants in groups: one transaction stores their runs and marks their
 * items done, so a bulk run costs a commit per group, not several per tenant. A tenant
 * whose result is not yet recorded stays leased; after a crash it is probed again, and
 * a recorded tenant never is.
 */
class BulkRecorder {
  private pending: Finished[] = [];
  private timer: NodeJS.Timeout | null = null;
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly db: Db,
    private readonly bulkRunId: string,
    private readonly owner: string,
    private readonly groupSize: number,
    private readonly signal: AbortSignal | undefined,
  ) {}

  add(tenantId: string, run: NewProbeRun | null): void {
    this.pending.push({ run, outcome: { tenantId, state: run && run.status !== "error" ? "done" : "failed", probeRunId: null } });
    if (this.pending.length >= this.groupSize) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), GROUP_COMMIT_MS);
  }

  /** Records everything added so far; resolves once it is committed (or has failed and been logged). */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const group = this.pending.splice(0);
    if (group.length === 0) return this.chain;
    this.chain = this.chain.then(() => this.write(group));
    return this.chain;
  }

  private async write(group: Finished[]): Promise<void> {
    if (this.signal?.aborted) return;
    try {
      await this.record(group);
    } catch (error) {
      if (group.length === 1) {
        // The lease runs out and the tenant is taken again; better twice than never.
        logger("bulk").error({ err: error, tenantId: group[0]!.outcome.tenantId, bulkRunId: this.bulkRunId }, "could not record a tenant's result");
        return;
      }
      // One bad row (a tenant removed meanwhile, say) must not cost the whole group.
      for (const item of group) await this.write([item]);
    }
  }

  private async record(group: Finished[]): Promise<void> {
    const withRuns = group.filter((g): g is Finished & { run: NewProbeRun } => g.run !== null);
    await recordProbeRuns(
      this.db,
      withRuns.map((g) => g.run),
      async (trx, stored) => {
        stored.forEach((run, i) => (withRuns[i]!.outcome.probeRunId = run.id));
        await completeBulkItems(trx, this.bulkRunId, this.owner, group.map((g) => g.outcome));
      },
    );
  }
}

/**
 * The concurrency limit: how many tenants may be talking to Microsoft at once. A tenant
 * waiting out a Retry-After (or a backoff) gives its slot back and queues for one when it
 * wakes, ahead of tenants not started yet: throttling is per tenant, so one tenant's wait
 * need not hold up the others.
 */
class Slots {
  private used = 0;
  private readonly waiting: (() => void)[] = [];
  private readonly freed: (() => void)[] = [];

  constructor(private readonly limit: number) {}

  get free(): number {
    return this.limit - this.used;
  }

  take(): void {
    this.used++;
  }

  /** Waits for a slot, ahead of tenants not started yet. */
  async takeWhenFree(): Promise<void> {
    if (this.used < this.limit && this.waiting.length === 0) {
      this.used++;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  give(): void {
    const next = this.waiting.shift();
    if (next) return next(); // the slot passes straight to a tenant that woke up
    this.used--;
    for (const resolve of this.freed.splice(0)) resolve();
  }

  /** Resolves the next time a slot is given back to the pool. */
  whenFreed(): Promise<void> {
    return new Promise((resolve) => this.freed.push(resolve));
  }
}

/** The process-wide limit that bulk runs share unless a worker is given its own concurrency. */
const sharedSlots = ((globalThis as unknown as { consentryBulkSlots?: Slots }).consentryBulkSlots ??= new Slots(BULK_CONCURRENCY));

/** At most this many tenants per slot are in flight, counting those waiting out a Retry-After. */
const IN_FLIGHT_PER_SLOT = 8;

async function work(db: Db, bulkRunId: string, options: BulkWorkerOptions): Promise<void> {
  const concurrency = options.concurrency ?? BULK_CONCURRENCY;
  const owner = options.owner ?? INSTANCE;
  const probe = options.probe ?? liveProbeFor(db);
  const recorder = new BulkRecorder(db, bulkRunId, owner, Math.max(1, Math.ceil(concurrency / 2)), options.signal);
  const slots = options.concurrency === undefined ? sharedSlots : new Slots(concurrency);
  const pacing: Pacing = {
    async sleep(ms) {
      slots.give();
      await new Promise((resolve) => setTimeout(resolve, ms));
      await slots.takeWhenFree();
    },
  };
  const inFlight = new Set<Promise<void>>();
  /** Leased here, not started yet: claimed a slot-full at a time, so claims cost little. */
  const queue: Tenant[] = [];
  for (;;) {
    if (options.signal?.aborted) break;
    if (queue.length === 0 && inFlight.size < concurrency * IN_FLIGHT_PER_SLOT) {
      const claimed = await claimBulkItems(db, bulkRunId, owner, concurrency, options.leaseSeconds ?? LEASE_SECONDS);
      const tenants = await getTenants(db, claimed);
      queue.push(...tenants);
      // A tenant deleted since the run began has nothing to probe.
      const found = new Set(tenants.map((t) => t.id));
      for (const id of claimed) if (!found.has(id)) recorder.add(id, null);
    }
    while (slots.free > 0 && queue.length > 0 && inFlight.size < concurrency * IN_FLIGHT_PER_SLOT) {
      const tenant = queue.shift()!;
      slots.take();
      const job: Promise<void> = (async () => {
        let run: NewProbeRun | null = null;
        try {
          run = await probe(tenant, bulkRunId, pacing);
        } catch (error) {
          logger("bulk").error({ err: error, tenantId: tenant.id, bulkRunId }, "probing a tenant failed");
        }
        if (!options.signal?.aborted) recorder.add(tenant.id, run);
      })().finally(() => {
        inFlight.delete(job);
        slots.give();
      });
      inFlight.add(job);
    }
    if (inFlight.size > 0) {
      await Promise.race([...inFlight, slots.whenFreed()]);
      continue;
    }
    await recorder.flush();
    if (await finishBulkRunIfDone(db, bulkRunId)) break;
    // Others hold the remaining leases; wait for them to finish or expire.
    await new Promise((resolve) => setTimeout(resolve, options.idleMs ?? 1000));
  }
  await Promise.all(inFlight);
  await recorder.flush();
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
  /** Tenants whose checks failed in this run (a check that ran and found a problem, not a crashed item). */
  failingChecks: number;
}

/** A bulk run's progress. It only reads: workers start from the action that asks for a run and at start-up. */
export async function bulkProgressView(db: Db, bulkRunId: string, now: number = Date.now()): Promise<BulkProgressView | null> {
  const progress = await getBulkProgress(db, bulkRunId);
  if (!progress) return null;
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
    failingChecks: await countFailedTenantsOfBulkRun(db, bulkRunId),
  };
}
