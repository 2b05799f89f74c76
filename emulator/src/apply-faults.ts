import type { IncomingMessage, ServerResponse } from "node:http";
import { performance } from "node:perf_hooks";

import type { EmulatorContext } from "./context";
import { graphErrorBody, sendAadError, sendJson } from "./http";
import type { Fault } from "./scenario";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export type FaultOutcome = "handled" | "continue";

const answerDeadlines = new WeakMap<ServerResponse, number>();

/**
 * Injected latency: the answer leaves no sooner than `ms` after `from` (or after the latency
 * already set for this response). The sandbox works the answer out meanwhile, as a remote
 * service does while bytes travel, so its own work (signing a token, say) is not added on top.
 */
export function holdAnswer(res: ServerResponse, ms: number, from: number = performance.now()): void {
  const held = answerDeadlines.get(res);
  answerDeadlines.set(res, (held ?? from) + ms);
  if (held !== undefined) return;
  const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
  res.end = ((...args: unknown[]) => {
    const wait = answerDeadlines.get(res)! - performance.now();
    if (wait < 1) return end(...args);
    setTimeout(() => end(...args), wait);
    return res;
  }) as ServerResponse["end"];
}

/** Applies the faults drawn for one request: latency first, then at most one failure. */
export async function applyFaults(ctx: EmulatorContext, endpoint: Fault["endpoint"], tenantId: string | null, req: IncomingMessage, res: ServerResponse, shape: "aad" | "graph", random: () => number): Promise<FaultOutcome> {
  const drawn = ctx.state.drawFaults(endpoint, tenantId, random);
  const latency = drawn.filter((f) => f.kind === "latency").reduce((ms, f) => ms + (f.latencyMs ?? 0), 0);
  const failure = drawn.find((f) => f.kind !== "latency");
  if (!failure) {
    if (latency > 0) holdAnswer(res, latency);
    return "continue";
  }
  // A failure (reset, hang, 429...) comes after the latency.
  if (latency > 0) await sleep(latency);
  switch (failure.kind) {
    case "reset":
      req.socket.destroy();
      return "handled";
    case "hang":
      // Never answer; the socket closes when the client gives up or the emulator stops.
      return "handled";
    case "malformed":
      res.writeHead(200, { "content-type": "application/json; charset=utf-8" });
      res.end('{"value":[{"id":"');
      return "handled";
    case "throttle":
    case "error": {
      const status = failure.kind === "throttle" ? 429 : (failure.status ?? 503);
      const headers: Record<string, string> = failure.kind === "throttle" ? { "retry-after": String(failure.retryAfterSeconds ?? 1) } : {};
      if (shape === "graph") {
        const code = status === 429 ? "TooManyRequests" : status === 503 ? "serviceNotAvailable" : "generalException";
        const message = status === 429 ? "Too many requests." : "The service is temporarily unavailable.";
        const requestId = crypto.randomUUID();
        sendJson(res, status, graphErrorBody(code, message, requestId, String(req.headers["client-request-id"] ?? requestId)), { ...headers, "request-id": requestId });
      } else {
        for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
        sendAadError(
          res,
          status === 429
            ? { status, error: "temporarily_unavailable", code: 50196, message: "The server terminated an operation because it encountered a client request loop. Too many requests; retry after the Retry-After interval." }
            : { status, error: "temporarily_unavailable", code: 90033, message: "A transient error has occurred. Please try again." },
          ctx.authorityHost,
        );
      }
      return "handled";
    }
  }
  return "continue";
}
