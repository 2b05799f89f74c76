import "server-only";

import { getConfig } from "@/lib/config";
import { httpRequest, parseJson, transportErrorBody } from "@/lib/net/http";
import { DEFAULT_RETRY_POLICY, nextRetryDelayMs, type RetryCounts, type RetryPolicy } from "@/lib/graph/retry";

export interface BatchItem {
  id: string;
  /** Relative to /v1.0, e.g. "/users?$top=1". */
  url: string;
}

export interface BatchAnswer {
  id: string;
  /** HTTP status, or null when no answer came (timeout, reset, malformed batch). */
  status: number | null;
  headers: Record<string, string>;
  body: unknown;
  /** Round trip of the batch that gave this answer. */
  latencyMs: number;
  /** How many times the request was sent. */
  sends: number;
  /** Graph's request-id for this request, when known. */
  requestId: string | null;
}

const MAX_PER_BATCH = 20;

function lowerHeaders(headers: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (headers && typeof headers === "object") for (const [k, v] of Object.entries(headers)) if (typeof v === "string") out[k.toLowerCase()] = v;
  return out;
}

/**
 * Sends GET requests through Graph JSON batching: one round trip for up to 20 requests.
 * Each request (and the batch as a whole) is retried by the one rule of `nextRetryDelayMs`:
 * after exactly its Retry-After when throttled, with jittered backoff on 5xx, resets and timeouts.
 * @see https://learn.microsoft.com/graph/json-batching
 */
export async function graphBatch(accessToken: string, items: BatchItem[], policy: RetryPolicy = DEFAULT_RETRY_POLICY): Promise<Map<string, BatchAnswer>> {
  const answers = new Map<string, BatchAnswer>();
  const sends = new Map<string, number>(items.map((i) => [i.id, 0]));
  const counts = new Map<string, RetryCounts>(items.map((i) => [i.id, { throttles: 0, errors: 0 }]));
  let pending = [...items];
  const endpoint = `${getConfig().cloud.graphHost}/v1.0/$batch`;

  while (pending.length > 0) {
    const chunks: BatchItem[][] = [];
    for (let i = 0; i < pending.length; i += MAX_PER_BATCH) chunks.push(pending.slice(i, i + MAX_PER_BATCH));
    const again: BatchItem[] = [];
    let waitMs = 0;

    await Promise.all(
      chunks.map(async (chunk) => {
        for (const item of chunk) sends.set(item.id, sends.get(item.id)! + 1);
        const started = performance.now();
        let status: number | null = null;
        let body: unknown;
        let outerHeaders: Record<string, string> = {};
        try {
          const response = await httpRequest({
            method: "POST",
            url: endpoint,
            headers: { authorization: `Bearer ${accessToken}`, "content-type": "application/json", accept: "application/json" },
            body: JSON.stringify({ requests: chunk.map((i) => ({ id: i.id, method: "GET", url: i.url })) }),
            timeoutMs: policy.timeoutMs,
          });
          status = response.status;
          outerHeaders = lowerHeaders(response.headers);
          body = parseJson(response.text);
        } catch (error) {
          body = transportErrorBody(error);
        }
        const latencyMs = performance.now() - started;
        const responses = status === 200 && body && typeof body === "object" && Array.isArray((body as { responses?: unknown }).responses) ? (body as { responses: unknown[] }).responses : null;

        if (!responses) {
          // The whole batch failed: throttled, 5xx, reset, timeout or a body that is not a batch answer (retried as no answer).
          for (const item of chunk) {
            const delay = nextRetryDelayMs(status === 200 ? null : status, outerHeaders, counts.get(item.id)!, policy);
            if (delay !== null) {
              waitMs = Math.max(waitMs, delay);
              again.push(item);
            } else {
              answers.set(item.id, {
                id: item.id,
                status: status === 200 ? null : status,
                headers: outerHeaders,
                body: status === 200 ? { error: { code: "malformed_response", message: "Microsoft Graph answered the batch with a body that is not a batch response." } } : body,
                latencyMs,
                sends: sends.get(item.id)!,
                requestId: outerHeaders["request-id"] ?? null,
              });
            }
          }
          return;
        }

        const byId = new Map<string, { status?: unknown; headers?: unknown; body?: unknown }>();
        for (const r of responses) if (r && typeof r === "object" && typeof (r as { id?: unknown }).id === "string") byId.set((r as { id: string }).id, r as { status?: unknown });
        for (const item of chunk) {
          const r = byId.get(item.id);
          const innerStatus = typeof r?.status === "number" ? r.status : null;
          const headers = lowerHeaders(r?.headers);
          const delay = nextRetryDelayMs(innerStatus, headers, counts.get(item.id)!, policy);
          if (delay !== null) {
            waitMs = Math.max(waitMs, delay);
            again.push(item);
            continue;
          }
          const innerBody = r?.body;
          const innerRequestId =
            headers["request-id"] ?? ((innerBody as { error?: { innerError?: Record<string, unknown> } } | undefined)?.error?.innerError?.["request-id"] as string | undefined) ?? outerHeaders["request-id"] ?? null;
          answers.set(item.id, { id: item.id, status: innerStatus, headers, body: innerBody, latencyMs, sends: sends.get(item.id)!, requestId: innerRequestId });
        }
      }),
    );

    pending = again;
    if (pending.length > 0 && waitMs > 0) await policy.sleep(waitMs);
  }
  return answers;
}
