import type { IncomingMessage, ServerResponse } from "node:http";
import { performance } from "node:perf_hooks";

import { holdAnswer } from "./apply-faults";
import type { EmulatorContext } from "./context";
import { graphResponse, handleGraph, type GraphResponse } from "./graph";
import { graphErrorBody, readBody, sendJson } from "./http";
import { verifyBearer } from "./tokens";

/**
 * JSON batching: at most 20 requests in one POST /v1.0/$batch.
 * @see https://learn.microsoft.com/graph/json-batching
 */
const MAX_BATCH = 20;

/** Validates a $batch body and returns its requests, or a Graph error response. */
export function parseBatch(body: unknown, requestId: string, clientRequestId: string): { requests: { id: string; method: string; url: string; headers: Record<string, string> }[] } | GraphResponse {
  const bad = (message: string) => graphResponse(400, graphErrorBody("BadRequest", message, requestId, clientRequestId), requestId, clientRequestId);
  if (typeof body !== "object" || body === null || !Array.isArray((body as { requests?: unknown }).requests)) return bad("Invalid batch payload format.");
  const requests = (body as { requests: unknown[] }).requests;
  if (requests.length === 0) return bad("Invalid batch payload format.");
  if (requests.length > MAX_BATCH) return bad(`The number of batch requests in the payload exceeds the limit of ${MAX_BATCH}.`);
  const ids = new Set<string>();
  const parsed = [];
  for (const r of requests) {
    const item = r as { id?: unknown; method?: unknown; url?: unknown; headers?: unknown };
    if (typeof item.id !== "string" || typeof item.method !== "string" || typeof item.url !== "string") return bad("Invalid batch payload format.");
    if (ids.has(item.id)) return bad(`Batch request contains duplicate id '${item.id}'.`);
    ids.add(item.id);
    const headers = typeof item.headers === "object" && item.headers !== null ? (item.headers as Record<string, string>) : {};
    parsed.push({ id: item.id, method: item.method.toUpperCase(), url: item.url, headers });
  }
  return { requests: parsed };
}

/** An inner request's URL as a request of its own: inner URLs are relative to the version ("/users?$top=1" or "users?$top=1"). */
export function batchUrl(url: string): string {
  return `/v1.0/${url.replace(/^\/+/, "").replace(/^v1\.0\//, "")}`;
}

// POST /v1.0/$batch — each inner request is answered (and faulted) on its own; one token check for all.
export async function graphBatch(ctx: EmulatorContext, req: IncomingMessage, res: ServerResponse, tenantId: string | null, random: () => number): Promise<void> {
  const requestId = crypto.randomUUID();
  const clientRequestId = typeof req.headers["client-request-id"] === "string" ? req.headers["client-request-id"] : requestId;
  let body: unknown;
  try {
    body = JSON.parse(await readBody(req));
  } catch {
    return sendJson(res, 400, graphErrorBody("BadRequest", "Invalid batch payload format.", requestId, clientRequestId), { "request-id": requestId });
  }
  const parsed = parseBatch(body, requestId, clientRequestId);
  if ("status" in parsed) return sendJson(res, parsed.status, parsed.body, parsed.headers);
  let latency = 0;
  const startedAt = performance.now();
  const auth = verifyBearer(ctx, req.headers.authorization, "graph");
  const responses = await Promise.all(
    parsed.requests.map(async (inner): Promise<{ id: string } & GraphResponse> => {
      // Each request of a batch is throttled and fails on its own, as Graph does.
      const drawn = ctx.state.drawFaults("graph", tenantId, random);
      latency = Math.max(latency, drawn.filter((f) => f.kind === "latency").reduce((ms, f) => ms + (f.latencyMs ?? 0), 0));
      const failure = drawn.find((f) => f.kind === "throttle" || f.kind === "error");
      if (failure) {
        const status = failure.kind === "throttle" ? 429 : (failure.status ?? 503);
        const innerId = crypto.randomUUID();
        return {
          id: inner.id,
          status,
          headers: { "content-type": "application/json", ...(failure.kind === "throttle" ? { "retry-after": String(failure.retryAfterSeconds ?? 1) } : {}) },
          body: graphErrorBody(status === 429 ? "TooManyRequests" : "serviceNotAvailable", status === 429 ? "Too many requests." : "The service is temporarily unavailable.", innerId, clientRequestId),
        };
      }
      const answer = await handleGraph(ctx, { method: inner.method, url: batchUrl(inner.url), authorization: req.headers.authorization, clientRequestId, auth });
      return { id: inner.id, ...answer };
    }),
  );
  // The slowest inner request's latency, on top of any latency of the batch request itself.
  if (latency > 0) holdAnswer(res, latency, startedAt);
  sendJson(res, 200, { responses }, { "request-id": requestId, "client-request-id": clientRequestId });
}
