// How the portal's server stops on SIGINT/SIGTERM (scripts/lib/portal-server.mjs), and
// the setting that bounds it. Plain Node, no dependencies: scripts/start.ts (compiled
// for production) validates the setting with the same function the server uses.
import { constants } from "node:os";

/** Set on the first signal; lib/health/readiness.ts then answers 503 so a load balancer stops sending work. */
export const SHUTTING_DOWN = Symbol.for("consentry.shutting-down");
/** An async function instrumentation.ts registers: stops bulk workers and releases their leases. */
export const SHUTDOWN_HOOK = Symbol.for("consentry.shutdown");

/** The portal's logger (lib/log), which instrumentation.ts publishes once Next has started. */
export const SERVER_LOGGER = Symbol.for("consentry.logger");

/**
 * Writes one of the server's own lines: through the portal's logger (JSON lines, LOG_LEVEL,
 * secrets redacted) once instrumentation.ts has published it, on the console before that
 * (a start-up that fails before Next has loaded).
 */
export function serverLog(level, message, fields = {}) {
  const log = globalThis[SERVER_LOGGER];
  if (log) return log[level](fields, message);
  const { err } = fields;
  const line = err === undefined ? message : `${message}: ${err instanceof Error ? err.message : String(err)}`;
  if (level === "info") console.log(line);
  else console.error(line);
}

export const DEFAULT_SHUTDOWN_TIMEOUT_MS = 10_000;
const MIN_TIMEOUT_MS = 100;
const MAX_TIMEOUT_MS = 600_000;

/**
 * One Ctrl-C reaches the server several times within milliseconds (the terminal signals
 * the whole process group, and npm and scripts/start.ts each forward it; systemd signals
 * the whole control group). Repeats this soon after the first count as that same signal.
 */
export const REPEAT_WINDOW_MS = 1_000;

/**
 * SHUTDOWN_TIMEOUT_MS: how long a stop may take, in milliseconds (empty = unset = 10000).
 * Returns the number, or a message naming the problem.
 */
export function parseShutdownTimeout(raw) {
  if (raw === undefined || raw.trim() === "") return DEFAULT_SHUTDOWN_TIMEOUT_MS;
  const value = raw.trim();
  const number = Number(value);
  if (!/^\d+$/.test(value) || number < MIN_TIMEOUT_MS || number > MAX_TIMEOUT_MS) {
    return `SHUTDOWN_TIMEOUT_MS: must be a whole number of milliseconds from ${MIN_TIMEOUT_MS} to ${MAX_TIMEOUT_MS} (got "${raw}"). Example: SHUTDOWN_TIMEOUT_MS=${DEFAULT_SHUTDOWN_TIMEOUT_MS}`;
  }
  return number;
}

/**
 * On the first SIGINT/SIGTERM: marks the process as stopping, stops taking connections
 * (idle keep-alive ones close now), awaits the registered shutdown hook and the requests
 * in flight, then `closeApp`, and exits 0. Exits 1 when that takes longer than
 * `timeoutMs` (remaining connections are cut) or the hook fails. A second signal, at
 * least {@link REPEAT_WINDOW_MS} after the first, exits at once with 128 + its number.
 */
export function installGracefulShutdown({ server, timeoutMs, closeApp = async () => {}, exit = (code) => process.exit(code) }) {
  let firstSignalAt = 0;

  async function stop(signal) {
    globalThis[SHUTTING_DOWN] = true;
    serverLog("info", `Consentry: ${signal} received; stopping (in-flight requests and background work get up to ${timeoutMs} ms)...`, { signal, timeoutMs });
    const timer = setTimeout(() => {
      serverLog("error", `Consentry: stopping took longer than ${timeoutMs} ms (SHUTDOWN_TIMEOUT_MS); cutting the remaining connections.`, { timeoutMs });
      server.closeAllConnections();
      exit(1);
    }, timeoutMs);
    const closed = new Promise((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    let clean = true;
    try {
      await globalThis[SHUTDOWN_HOOK]?.();
    } catch (error) {
      clean = false;
      serverLog("error", "Consentry: stopping background work failed", { err: error });
    }
    await closed;
    await closeApp().catch((error) => serverLog("error", "Consentry: closing the app failed", { err: error }));
    clearTimeout(timer);
    if (clean) serverLog("info", "Consentry: stopped.");
    exit(clean ? 0 : 1);
  }

  function onSignal(signal) {
    const now = Date.now();
    if (firstSignalAt === 0) {
      firstSignalAt = now;
      void stop(signal);
    } else if (now - firstSignalAt >= REPEAT_WINDOW_MS) {
      serverLog("error", `Consentry: second ${signal}; exiting now.`, { signal });
      server.closeAllConnections();
      exit(128 + constants.signals[signal]);
    }
  }
  for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => onSignal(signal));
}
