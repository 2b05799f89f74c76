import "server-only";

import { randomUUID } from "node:crypto";
import os from "node:os";

import type { Db } from "@/lib/db/database";
import { attachScheduledBulkRun, claimDueSlot, SCHEDULE_ACTOR } from "@/lib/db/repositories/schedules";
import { createBulkRunForAllTenants, type BulkRun } from "@/lib/db/repositories/bulk-runs";
import { processShutdown } from "@/lib/lifecycle/shutdown";
import { refreshPermissionSet } from "@/lib/permissions/registration";
import { logger } from "@/lib/log/logger";
import { runAsBackgroundWork } from "@/lib/log/request-context";
import { ensureBulkWorker } from "@/lib/probes/bulk";

/** How often an instance looks for a due slot. */
export const SCHEDULE_CHECK_MS = 30_000;
/** How long a claim may go without its bulk run before another instance takes the slot over. */
export const SLOT_LEASE_SECONDS = 300;

export interface SchedulerOptions {
  /** The time now; tests pass a fake clock. */
  clock?: () => Date;
  checkEveryMs?: number;
  /** This instance's name in claims. */
  owner?: string;
  leaseSeconds?: number;
  /** Works the bulk run in the background (default: this process's bulk worker). */
  startWorker?: (db: Db, bulkRunId: string) => void;
  /** Runs before tenants are listed (default: read the app registration's permissions again, as "Test all tenants" does). */
  prepare?: (db: Db) => Promise<void>;
  log?: (message: string) => void;
}

export interface TickOutcome {
  started: { slotAt: string; bulkRunId: string } | null;
}

/**
 * Starts each due re-test of the schedule on exactly one instance. Every instance runs one;
 * each tick claims the due slot (if any) in the database, and only the claimer starts the bulk
 * run, as "schedule". A tick never throws: errors are logged and the next tick tries again.
 */
export class RetestScheduler {
  private readonly clock: () => Date;
  private readonly owner: string;
  private readonly options: SchedulerOptions;
  private timer: NodeJS.Timeout | null = null;
  private ticking: Promise<TickOutcome> | null = null;

  constructor(
    private readonly db: Db,
    options: SchedulerOptions = {},
  ) {
    this.options = options;
    this.clock = options.clock ?? (() => new Date());
    this.owner = options.owner ?? `${os.hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  }

  /** Checks now, then every `checkEveryMs`, on an unref'd timer (it never keeps the process alive). */
  start(): void {
    if (this.timer) return;
    const loop = () => {
      void this.tick().finally(() => {
        if (!this.timer) return;
        this.timer = setTimeout(loop, this.options.checkEveryMs ?? SCHEDULE_CHECK_MS);
        this.timer.unref();
      });
    };
    this.timer = setTimeout(loop, 0);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /** Stops the timer and waits for a check in progress (it may be starting a bulk run). */
  async stopAndSettle(): Promise<void> {
    this.stop();
    await this.ticking;
  }

  /** One check; overlapping calls share the one in progress. */
  tick(): Promise<TickOutcome> {
    this.ticking ??= runAsBackgroundWork(() => this.checkOnce()).finally(() => (this.ticking = null));
    return this.ticking;
  }

  private async checkOnce(): Promise<TickOutcome> {
    const log = this.options.log ?? ((message: string) => logger("schedule").error(message));
    try {
      const now = this.clock();
      const claimed = await claimDueSlot(this.db, this.owner, now, this.options.leaseSeconds ?? SLOT_LEASE_SECONDS);
      if (!claimed) return { started: null };
      const run = claimed.orphan ?? (await this.createRun(now));
      if (!(await attachScheduledBulkRun(this.db, claimed.slotAt, this.owner, run))) {
        log(`[schedule] lost the claim on slot ${claimed.slotAt} while starting bulk run ${run.id}`);
      }
      (this.options.startWorker ?? ((db, id) => void ensureBulkWorker(db, id)))(this.db, run.id);
      return { started: { slotAt: claimed.slotAt, bulkRunId: run.id } };
    } catch (error) {
      log(`[schedule] the scheduled re-test check failed (next check as usual): ${error instanceof Error ? error.message : String(error)}`);
      return { started: null };
    }
  }

  private async createRun(now: Date): Promise<BulkRun> {
    await (this.options.prepare ?? ((db) => refreshPermissionSet(db).then(() => undefined)))(this.db).catch(() => undefined); // unreadable: the last version stays
    return createBulkRunForAllTenants(this.db, SCHEDULE_ACTOR, now);
  }
}

const globalForScheduler = globalThis as unknown as { consentryScheduler?: RetestScheduler };

/** Starts this process's scheduler once (instrumentation.ts calls it after migrations). */
export function startRetestScheduler(db: Db, options: SchedulerOptions = {}): RetestScheduler {
  if (!globalForScheduler.consentryScheduler) {
    const scheduler = new RetestScheduler(db, options);
    globalForScheduler.consentryScheduler = scheduler;
    processShutdown.register("re-test scheduler", "intake", () => scheduler.stopAndSettle());
  }
  globalForScheduler.consentryScheduler.start();
  return globalForScheduler.consentryScheduler;
}
