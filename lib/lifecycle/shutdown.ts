import "server-only";

/**
 * Graceful shutdown in three phases, each bounded by one deadline:
 * - `intake`: stop taking new work (the schedule timer, the webhook poller, the bulk-run watcher);
 * - `drain`: work in progress finishes, or gives its leases back (bulk workers);
 * - `close`: the database and other handles close.
 * Steps of one phase run side by side; a step that fails or overruns is reported, never
 * blocks the next phase beyond the deadline.
 */
export type ShutdownPhase = "intake" | "drain" | "close";
const PHASES: readonly ShutdownPhase[] = ["intake", "drain", "close"];

/** Without a bound from the caller (SIGTERM handler), the shutdown takes at most this long. */
export const DEFAULT_SHUTDOWN_MS = 8_000;
/** Of the bound, the close phase keeps this much for itself, so the database closes even when draining used the rest. */
const CLOSE_RESERVE_MS = 1_000;

export interface ShutdownStepReport {
  name: string;
  phase: ShutdownPhase;
  ok: boolean;
  /** The step was still running at its phase's deadline. */
  timedOut: boolean;
  ms: number;
  error?: string;
}

export interface ShutdownReport {
  ms: number;
  steps: ShutdownStepReport[];
}

export interface ShutdownOptions {
  /** The time the whole shutdown may take. */
  timeoutMs?: number;
}

interface Step {
  name: string;
  phase: ShutdownPhase;
  /** Gets the time (epoch ms) by which it should be done. */
  run: (deadline: number) => Promise<void> | void;
}

export class ShutdownRegistry {
  private readonly steps = new Map<number, Step>();
  private nextId = 0;
  private running: Promise<ShutdownReport> | null = null;

  /** True once a shutdown began: components take no new work. */
  get stopping(): boolean {
    return this.running !== null;
  }

  /** Adds a step; returns a function that removes it (a worker that ended on its own has nothing to stop). */
  register(name: string, phase: ShutdownPhase, run: Step["run"]): () => void {
    const id = this.nextId++;
    this.steps.set(id, { name, phase, run });
    return () => void this.steps.delete(id);
  }

  /** Runs every step once, phase by phase; later calls get the same report. */
  shutdown(options: ShutdownOptions = {}): Promise<ShutdownReport> {
    this.running ??= this.runPhases(Math.max(0, options.timeoutMs ?? DEFAULT_SHUTDOWN_MS));
    return this.running;
  }

  private async runPhases(timeoutMs: number): Promise<ShutdownReport> {
    const started = Date.now();
    const end = started + timeoutMs;
    const workEnd = end - Math.min(CLOSE_RESERVE_MS, timeoutMs / 5);
    const reports: ShutdownStepReport[] = [];
    for (const phase of PHASES) {
      const deadline = phase === "close" ? end : workEnd;
      const steps = [...this.steps.values()].filter((s) => s.phase === phase);
      reports.push(...(await Promise.all(steps.map((step) => runStep(step, deadline)))));
    }
    return { ms: Date.now() - started, steps: reports };
  }
}

async function runStep(step: Step, deadline: number): Promise<ShutdownStepReport> {
  const started = Date.now();
  let timer: NodeJS.Timeout | undefined;
  const overrun = new Promise<"timeout">((resolve) => {
    timer = setTimeout(() => resolve("timeout"), Math.max(0, deadline - started));
    timer.unref();
  });
  try {
    const outcome = await Promise.race([Promise.resolve().then(() => step.run(deadline)), overrun]);
    return { name: step.name, phase: step.phase, ok: outcome !== "timeout", timedOut: outcome === "timeout", ms: Date.now() - started };
  } catch (error) {
    return { name: step.name, phase: step.phase, ok: false, timedOut: false, ms: Date.now() - started, error: error instanceof Error ? error.message : String(error) };
  } finally {
    clearTimeout(timer);
  }
}

/** This process's registry: the bulk runner, the scheduler and the webhook worker register with it. */
export const processShutdown: ShutdownRegistry = ((globalThis as unknown as { consentryShutdownRegistry?: ShutdownRegistry }).consentryShutdownRegistry ??= new ShutdownRegistry());

/**
 * The key under which the server (scripts/lib/portal-server.mjs) finds the shutdown function:
 * a global symbol, because the server and Next's bundle of this module share no import.
 */
export const SHUTDOWN_HOOK = Symbol.for("consentry.shutdown");

/**
 * Publishes `globalThis[Symbol.for("consentry.shutdown")]`: `(options?: { timeoutMs } | number) =>
 * Promise<ShutdownReport>`, a plain number being the bound in milliseconds. Idempotent, like the
 * shutdown itself.
 */
export function installShutdownHook(registry: ShutdownRegistry = processShutdown): void {
  (globalThis as Record<symbol, unknown>)[SHUTDOWN_HOOK] = (options?: ShutdownOptions | number) =>
    registry.shutdown(typeof options === "number" ? { timeoutMs: options } : (options ?? {}));
}
