import "server-only";

import { randomUUID } from "node:crypto";
import os from "node:os";

import type { Db } from "@/lib/db/database";
import { appendAudit } from "@/lib/db/repositories/audit";
import {
  claimBulkItems,
  completeBulkItems,
  createBulkRunForAllTenants,
  finishBulkRunIfDone,
  getBulkProgress,
  listRunningBulkRuns,
  releaseBulkItems,
  renewBulkLeases,
  type BulkItemOutcome,
  type BulkRun,
} from "@/lib/db/repositories/bulk-runs";
import { countFailedTenantsOfBulkRun, recordProbeRuns, type NewProbeRun } from "@/lib/db/repositories/probe-runs";
import { getTenants, type Tenant } from "@/lib/db/repositories/tenants";
import type { Meta } from "@/lib/http/request-meta";
import { processShutdown, type ShutdownRegistry } from "@/lib/lifecycle/shutdown";
import { logger } from "@/lib/log/logger";
import { runAsBackgroundWork } from "@/lib/log/request-context";
import { refreshPermissionSet } from "@/lib/permissions/registration";
import { liveProbeDepsFor, probeTenantRepeatedly } from "@/lib/probes/run-tenant";
import type { ProbeDeps } from "@/lib/probes/runner";
import type { Partner } from "@/lib/session/partner-session";

/** How many tenants this process probes at once, across all its bulk runs. */
export const BULK_CONCURRENCY = 32;
/**
 * A bulk item's lease. Short, so that the tenants of an instance that died are taken over
 * within this long; renewed by a heartbeat every third of it while the tenant is ours, so a
 * live holder keeps its tenants through two missed renewals (a slow database, a long pause).
 */
export const BULK_LEASE_SECONDS = 20;
/** A lease whose holder has not renewed it for this long is a dead instance's (a live one renews every third). */
export const STALE_LEASE_SECONDS = BULK_LEASE_SECONDS / 2;
/** How often an instance looks for bulk runs started elsewhere (another instance, the schedule) to join. */
export const BULK_WATCH_MS = 2_000;

/** This instance's name in leases: another instance, or this one after a restart, is someone else. */
const INSTANCE = `${os.hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;

export interface BulkWorkerOptions {
  /** A limit of this worker's own; without one, the run shares the process's BULK_CONCURRENCY with other bulk runs. */
  concurrency?: number;
  owner?: string;
  /** The lease of each claim (default BULK_LEASE_SECONDS); the heartbeat renews it every third. */
  leaseSeconds?: number;
  /** The shutdown this worker stops with (default: the process's). */
  lifecycle?: ShutdownRegistry;
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
  const run = await createBulkRunForAllTenants(db, partner.username);
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
  const lifecycle = options.lifecycle ?? processShutdown;
  if (lifecycle.stopping) return Promise.resolve(); // shutting down: no new work
  const stop = new WorkerStop();
  // Tenants in flight get until shortly before the deadline; the rest of it gives their leases back.
  const unregister = lifecycle.register(`bulk run ${bulkRunId}`, "drain", (deadline) => stop.request(deadline - Math.min(RELEASE_MARGIN_MS, (deadline - Date.now()) / 4), task));
  const task: Promise<void> = runAsBackgroundWork(() => work(db, bulkRunId, options, stop)).finally(() => {
    workers.delete(bulkRunId);
    unregister();
  });
  workers.set(bulkRunId, task);
  return task;
}

/**
 * A graceful stop of one worker: it claims nothing more, gives back leases of tenants it has
 * not started, lets tenants in flight finish until the deadline and gives back the rest.
 */
class WorkerStop {
  requested = false;
  deadline = Infinity;
  private wake!: () => void;
  /** Resolves when a stop is requested (so waits in the worker's loop end early). */
  readonly asked = new Promise<void>((resolve) => (this.wake = resolve));

  request(deadline: number, task: Promise<void>): Promise<void> {
    this.requested = true;
    this.deadline = deadline;
    this.wake();
    return task;
  }
}

/** Of a shutdown's bound, the time kept for giving back the leases of tenants still in flight. */
const RELEASE_MARGIN_MS = 500;

/** Results wait at most this long, or until this many are ready, before they are recorded together. */
const GROUP_COMMIT_MS = 25;

/** A tenant done probing: its run to store (none if probing broke) and how its item ends. */
interface Finished {
  run: NewProbeRun | null;
  outcome: BulkItemOutcome;
}

/**
 * The tenants this worker holds leases on: claimed and not yet recorded. A lease found taken
 * by another instance (it ran out while this one was not renewing) is lost for good: that
 * tenant is neither started nor recorded here, so the new holder's result stands alone.
 */
class Leases {
  readonly held = new Set<string>();
  readonly lost = new Set<string>();

  claim(ids: readonly string[]): void {
    for (const id of ids) this.held.add(id);
  }

  /** Recorded or given back: no longer ours to renew. */
  settle(ids: readonly string[]): void {
    for (const id of ids) this.held.delete(id);
  }

  lose(ids: readonly string[]): void {
    for (const id of ids) {
      if (!this.held.delete(id)) continue;
      this.lost.add(id);
      logger("bulk").warn({ tenantId: id }, "the lease was taken over by another instance; the result here is dropped");
    }
  }
}

/** Thrown inside a recording transaction to roll it back when some of its tenants are no longer ours. */
class LeaseLostError extends Error {
  constructor(readonly tenantIds: string[]) {
    super(`leases lost on ${tenantIds.length} tenant(s)`);
  }
}

/**
 * Records finished tenants in groups: one transaction stores their runs and marks their
 * items done, so a bulk run costs a commit per group, not several per tenant. A tenant
 * whose result is not yet recorded stays leased; after a crash it is probed again, and
 * a recorded tenant never is. A group holding a tenant whose lease was taken over is rolled
 * back and recorded again without it.
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
    private readonly leases: Leases,
  ) {}

  add(tenantId: string, run: NewProbeRun | null): void {
    if (this.leases.lost.has(tenantId)) return;
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

  private async write(all: Finished[]): Promise<void> {
    if (this.signal?.aborted) return;
    const group = all.filter((g) => !this.leases.lost.has(g.outcome.tenantId));
    if (group.length === 0) return;
    try {
      await this.record(group);
      this.leases.settle(group.map((g) => g.outcome.tenantId));
    } catch (error) {
      if (error instanceof LeaseLostError) {
        this.leases.lose(error.tenantIds);
        return this.write(group);
      }
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
        await this.complete(trx, group);
      },
    );
    // No run to store (probing broke, or the tenant is gone): the item alone is marked.
    if (withRuns.length === 0) await this.db.transaction().execute((trx) => this.complete(trx, group));
  }

  /** Marks the group's items done, or throws (rolling back the transaction) if some are no longer ours. */
  private async complete(trx: Db, group: Finished[]): Promise<void> {
    const marked = new Set(await completeBulkItems(trx, this.bulkRunId, this.owner, group.map((g) => g.outcome)));
    const lost = group.map((g) => g.outcome.tenantId).filter((id) => !marked.has(id));
    if (lost.length > 0) throw new LeaseLostError(lost);
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

async function work(db: Db, bulkRunId: string, options: BulkWorkerOptions, stop: WorkerStop): Promise<void> {
  const concurrency = options.concurrency ?? BULK_CONCURRENCY;
  const owner = options.owner ?? INSTANCE;
  const leaseSeconds = options.leaseSeconds ?? BULK_LEASE_SECONDS;
  const probe = options.probe ?? liveProbeFor(db);
  const leases = new Leases();
  const recorder = new BulkRecorder(db, bulkRunId, owner, Math.max(1, Math.ceil(concurrency / 2)), options.signal, leases);
  const slots = options.concurrency === undefined ? sharedSlots : new Slots(concurrency);
  const pacing: Pacing = {
    async sleep(ms) {
      slots.give();
      await new Promise((resolve) => setTimeout(resolve, ms));
      await slots.takeWhenFree();
    },
  };
  const heartbeat = new Heartbeat(db, bulkRunId, owner, leaseSeconds, leases, options.signal);
  const inFlight = new Set<Promise<void>>();
  /** Leased here, not started yet: claimed a slot-full at a time, so claims cost little. */
  let queue: Tenant[] = [];
  const dropLost = () => (queue = queue.filter((t) => !leases.lost.has(t.id)));
  try {
    for (;;) {
      if (options.signal?.aborted || stop.requested) break;
      dropLost();
      if (queue.length === 0 && inFlight.size < concurrency * IN_FLIGHT_PER_SLOT) {
        const claimed = await claimBulkItems(db, bulkRunId, owner, concurrency, leaseSeconds);
        leases.claim(claimed);
        const tenants = await getTenants(db, claimed);
        queue.push(...tenants);
        // A tenant deleted since the run began has nothing to probe.
        const found = new Set(tenants.map((t) => t.id));
        for (const id of claimed) if (!found.has(id)) recorder.add(id, null);
      }
      while (slots.free > 0 && queue.length > 0 && inFlight.size < concurrency * IN_FLIGHT_PER_SLOT && !stop.requested) {
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
        await Promise.race([...inFlight, slots.whenFreed(), stop.asked]);
        continue;
      }
      await recorder.flush();
      if (await finishBulkRunIfDone(db, bulkRunId)) break;
      // Others hold the remaining leases; wait for them to finish or expire.
      await Promise.race([new Promise((resolve) => setTimeout(resolve, options.idleMs ?? 1000)), stop.asked]);
    }
    if (stop.requested && !options.signal?.aborted) await drain();
    else await Promise.all(inFlight);
    await recorder.flush();
  } finally {
    heartbeat.stop();
  }

  /** Gives back what was not started, lets tenants in flight finish until the deadline, gives back the rest. */
  async function drain(): Promise<void> {
    const notStarted = queue.splice(0).map((t) => t.id);
    leases.settle(notStarted);
    await releaseBulkItems(db, bulkRunId, owner, notStarted);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([Promise.all(inFlight), new Promise((resolve) => (timer = setTimeout(resolve, Math.max(0, stop.deadline - Date.now()))))]);
    clearTimeout(timer);
    await recorder.flush();
    // Still in flight at the deadline: given back now, and their late results are not recorded.
    const unfinished = [...leases.held];
    for (const id of unfinished) leases.lost.add(id);
    leases.settle(unfinished);
    await releaseBulkItems(db, bulkRunId, owner, unfinished);
  }
}

/**
 * Renews this worker's leases every third of the lease while it holds any. A tenant whose
 * renewal finds the lease gone (it ran out and another instance claimed it) is lost.
 */
class Heartbeat {
  private readonly timer: NodeJS.Timeout;
  private beating = false;

  constructor(
    private readonly db: Db,
    private readonly bulkRunId: string,
    private readonly owner: string,
    private readonly leaseSeconds: number,
    private readonly leases: Leases,
    private readonly signal: AbortSignal | undefined,
  ) {
    this.timer = setInterval(() => void this.beat(), (leaseSeconds * 1000) / 3);
    this.timer.unref();
  }

  private async beat(): Promise<void> {
    if (this.beating || this.leases.held.size === 0 || this.signal?.aborted) return;
    this.beating = true;
    const ids = [...this.leases.held];
    try {
      const renewed = new Set(await renewBulkLeases(this.db, this.bulkRunId, this.owner, ids, this.leaseSeconds));
      // Recorded meanwhile is settled, not lost: only what is still held and was not renewed.
      this.leases.lose(ids.filter((id) => !renewed.has(id) && this.leases.held.has(id)));
    } catch (error) {
      logger("bulk").error({ err: error, bulkRunId: this.bulkRunId }, "renewing leases failed (the next beat tries again)");
    } finally {
      this.beating = false;
    }
  }

  stop(): void {
    clearInterval(this.timer);
  }
}

/** Picks up bulk runs that were running when this process started. */
export async function resumeBulkRuns(db: Db): Promise<void> {
  for (const run of await listRunningBulkRuns(db)) void ensureBulkWorker(db, run.id);
}

/**
 * Joins every running bulk run: now (runs that were running when this process started) and
 * every `pollMs` after (runs another instance or the schedule started), so all instances share
 * the work. Unref'd timer; stops with the process's shutdown. Returns a function that stops it.
 */
export async function startBulkRunWatcher(db: Db, options: { pollMs?: number; lifecycle?: ShutdownRegistry } = {}): Promise<() => void> {
  const lifecycle = options.lifecycle ?? processShutdown;
  await resumeBulkRuns(db);
  let polling: Promise<void> | null = null;
  const timer = setInterval(() => {
    if (polling || lifecycle.stopping) return;
    polling = resumeBulkRuns(db)
      .catch((error: unknown) => logger("bulk").error({ err: error }, "looking for running bulk runs failed (the next poll tries again)"))
      .finally(() => (polling = null));
  }, options.pollMs ?? BULK_WATCH_MS);
  timer.unref();
  const unregister = lifecycle.register("bulk run watcher", "intake", async () => {
    clearInterval(timer);
    await polling;
  });
  return () => {
    clearInterval(timer);
    unregister();
  };
}

export interface BulkProgressView {
  id: string;
  status: BulkRun["status"];
  total: number;
  done: number;
  failed: number;
  /** Tenants being probed by a live instance (its leases renewed lately). */
  inProgress: number;
  /** Tenants held by an instance that stopped renewing its leases (it died): taken over when the lease runs out. */
  awaitingTakeover: number;
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
  const progress = await getBulkProgress(db, bulkRunId, { now: new Date(now), staleAfterSeconds: STALE_LEASE_SECONDS });
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
    inProgress: progress.leased - progress.leaseExpired - progress.leaseStale,
    awaitingTakeover: progress.leaseStale,
    remaining,
    elapsedSeconds: Math.round(elapsedSeconds),
    perMinute: perSecond > 0 ? Math.round(perSecond * 60) : null,
    etaSeconds: estimateSecondsLeft({ remaining, perSecond, stale: progress.leaseStale, staleLeasesEndAt: progress.staleLeasesEndAt, now }),
    requestedBy: progress.run.requested_by,
    createdAt: progress.run.created_at,
    failingChecks: await countFailedTenantsOfBulkRun(db, bulkRunId),
  };
}

/**
 * Seconds until a bulk run is done at its rate so far. Expired leases are counted with the
 * queued tenants (the next claim takes them). Tenants held by a dead instance cannot start
 * before their lease runs out: the run ends no sooner than that wait plus their own share of
 * the work. Null while no rate is known yet.
 */
export function estimateSecondsLeft(input: { remaining: number; perSecond: number; stale: number; staleLeasesEndAt: string | null; now: number }): number | null {
  if (input.remaining === 0) return 0;
  if (input.perSecond <= 0) return null;
  const atRate = input.remaining / input.perSecond;
  if (input.stale === 0 || input.staleLeasesEndAt === null) return Math.round(atRate);
  const leaseWait = Math.max(0, (Date.parse(input.staleLeasesEndAt) - input.now) / 1000);
  return Math.round(Math.max(atRate, leaseWait + input.stale / input.perSecond));
}
