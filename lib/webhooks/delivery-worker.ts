import "server-only";

import { randomUUID } from "node:crypto";

import { getConfig } from "@/lib/config";
import type { Db } from "@/lib/db/database";
import { processShutdown } from "@/lib/lifecycle/shutdown";
import { claimDueDeliveries, recordDeliveryAttempt, type AttemptResult, type ClaimedDelivery } from "@/lib/db/repositories/webhooks";
import { logger } from "@/lib/log/logger";
import { runAsBackgroundWork } from "@/lib/log/request-context";
import { MAX_ATTEMPTS, nextAttemptAt } from "@/lib/webhooks/backoff";
import { decryptWebhookSecret } from "@/lib/webhooks/secret";
import { buildDeliveryRequest } from "@/lib/webhooks/signing";
import { AppError } from "@/lib/errors";

/** Deliveries sent at once by one instance. */
export const DELIVERY_CONCURRENCY = 8;
/** A receiver gets this long to answer. */
export const DELIVERY_TIMEOUT_MS = 10_000;
/** A claimed delivery is another instance's to take once its lease runs out (a crashed worker). */
const LEASE_SECONDS = 60;
const POLL_MS = 2_000;

export interface DeliveryDeps {
  fetch: typeof fetch;
  /** The clock that schedules retries (tests move it forward instead of waiting). */
  now: () => Date;
  /** The time written into `webhook-timestamp`; receivers compare it with their own clock. */
  signedAt: () => Date;
  random: () => number;
  sessionPassword: () => string;
  timeoutMs: number;
  log: (line: Record<string, unknown>) => void;
}

export function liveDeliveryDeps(): DeliveryDeps {
  return {
    fetch: (input, init) => fetch(input, init),
    now: () => new Date(),
    signedAt: () => new Date(),
    random: Math.random,
    sessionPassword: () => getConfig().sessionPassword,
    timeoutMs: DELIVERY_TIMEOUT_MS,
    log: (line) => logger("webhooks").info(line),
  };
}

/** Only http and https are sent to; anything else is refused before any connection. */
export function assertDeliverableUrl(url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new AppError("invalid_input", "The endpoint URL is not a URL.");
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") throw new AppError("invalid_input", `The endpoint URL must be http or https, not ${parsed.protocol}`);
  return parsed;
}

/** Sends one claimed delivery once (never following redirects) and says how it went. */
export async function attemptDelivery(delivery: ClaimedDelivery, deps: DeliveryDeps): Promise<Omit<AttemptResult, "status" | "nextAttemptAt"> & { ok: boolean }> {
  const started = performance.now();
  try {
    const url = assertDeliverableUrl(delivery.url);
    const secret = decryptWebhookSecret(delivery.secretEncrypted, deps.sessionPassword());
    const request = buildDeliveryRequest({ eventId: delivery.eventId, payload: delivery.payload, format: delivery.format, secret, signedAt: deps.signedAt() });
    const response = await deps.fetch(url, { method: "POST", headers: request.headers, body: request.body, redirect: "manual", signal: AbortSignal.timeout(deps.timeoutMs) });
    const responseMs = performance.now() - started;
    // The body is read (bounded by the timeout) only to free the connection; its content is not kept.
    await response.arrayBuffer().catch(() => undefined);
    const ok = response.status >= 200 && response.status < 300;
    const error = ok ? null : response.status >= 300 && response.status < 400 ? `Redirect to ${response.headers.get("location") ?? "?"} not followed` : `HTTP ${response.status}`;
    return { ok, statusCode: response.status, responseMs, error };
  } catch (error) {
    const responseMs = performance.now() - started;
    const message = error instanceof Error ? (error.name === "TimeoutError" ? `No answer within ${deps.timeoutMs / 1000} s` : error.message) : String(error);
    return { ok: false, statusCode: null, responseMs, error: message };
  }
}

/**
 * One pass of the worker: claims due deliveries (up to `limit`), sends them with bounded
 * concurrency, records each attempt (retry time from the backoff schedule, abandoned after
 * the last) and logs its status code and response time. Returns how many were attempted.
 */
export async function deliverDueWebhooks(db: Db, options: { owner?: string; limit?: number; deps?: Partial<DeliveryDeps> } = {}): Promise<number> {
  const deps = { ...liveDeliveryDeps(), ...options.deps };
  const owner = options.owner ?? `worker-${randomUUID()}`;
  const claimed = await claimDueDeliveries(db, owner, options.limit ?? DELIVERY_CONCURRENCY * 4, LEASE_SECONDS, deps.now());
  let next = 0;
  const lanes = Array.from({ length: Math.min(DELIVERY_CONCURRENCY, claimed.length) }, async () => {
    while (next < claimed.length) {
      const delivery = claimed[next++]!;
      const outcome = await attemptDelivery(delivery, deps);
      const attempts = delivery.attempts + 1;
      const now = deps.now();
      const retryAt = outcome.ok || attempts >= MAX_ATTEMPTS ? null : nextAttemptAt(attempts, now, deps.random);
      const status = outcome.ok ? "delivered" : retryAt ? "failed" : "abandoned";
      await recordDeliveryAttempt(db, delivery.id, owner, { status, statusCode: outcome.statusCode, responseMs: outcome.responseMs, error: outcome.error, nextAttemptAt: retryAt }, now);
      deps.log({
        msg: "webhook delivery attempt",
        deliveryId: delivery.id,
        endpointId: delivery.endpointId,
        eventType: delivery.eventType,
        attempt: attempts,
        status,
        statusCode: outcome.statusCode,
        responseMs: outcome.responseMs === null ? null : Math.round(outcome.responseMs),
        ...(outcome.error ? { error: outcome.error } : {}),
        ...(retryAt ? { nextAttemptAt: retryAt.toISOString() } : {}),
      });
    }
  });
  await Promise.all(lanes);
  return claimed.length;
}

interface WorkerState {
  timer: NodeJS.Timeout | null;
  running: boolean;
  /** The pass in progress, which a shutdown lets finish. */
  pass: Promise<void> | null;
  unregister: () => void;
}
const globalForWorker = globalThis as unknown as { consentryWebhookWorker?: WorkerState };

/**
 * Polls for due deliveries every 2 s on an unref'd timer (it never keeps the process alive,
 * and probing never waits for it). One per process; on PostgreSQL every instance runs one.
 */
export function startWebhookWorker(db: Db, options: { pollMs?: number } = {}): void {
  if (globalForWorker.consentryWebhookWorker) return;
  const state: WorkerState = { timer: null, running: false, pass: null, unregister: () => {} };
  globalForWorker.consentryWebhookWorker = state;
  state.unregister = processShutdown.register("webhook delivery worker", "intake", async () => {
    const pass = state.pass;
    stopWebhookWorker();
    await pass;
  });
  const owner = `worker-${randomUUID()}`;
  const tick = async () => {
    if (state.running) return;
    state.running = true;
    try {
      while ((await deliverDueWebhooks(db, { owner })) > 0) {
        /* drain what is due, then wait for the next tick */
      }
    } catch (error) {
      logger("webhooks").error({ err: error }, "webhook worker pass failed");
    } finally {
      state.running = false;
    }
  };
  state.timer = setInterval(() => {
    if (!state.running) state.pass = runAsBackgroundWork(tick);
  }, options.pollMs ?? POLL_MS);
  state.timer.unref();
}

export function stopWebhookWorker(): void {
  const state = globalForWorker.consentryWebhookWorker;
  if (state?.timer) clearInterval(state.timer);
  state?.unregister();
  delete globalForWorker.consentryWebhookWorker;
}
