import "server-only";

import { httpRequest, transportErrorBody } from "@/lib/net/http";
import { nextRetryDelayMs, type RetryCounts, type RetryPolicy } from "@/lib/graph/retry";

/** One answer of a Microsoft service after retries; `text` is the raw body. */
export interface RetriedAnswer {
  /** HTTP status, or null when no answer came (timeout, reset). */
  status: number | null;
  headers: Record<string, string>;
  text: string;
  /** Set when no answer came: why, in Graph's error shape. */
  transportError: ReturnType<typeof transportErrorBody> | null;
  latencyMs: number;
}

/**
 * Sends one request, again after exactly its Retry-After when throttled (429, 503 with
 * Retry-After) and with jittered backoff on 5xx, resets and timeouts, within the policy.
 */
export async function requestWithRetry(
  request: Parameters<typeof httpRequest>[0] extends infer R ? Omit<R & object, "timeoutMs"> : never,
  policy: RetryPolicy,
  /** A 5xx that is the service's own answer to this request (an EWS SOAP fault), which a retry would only repeat. */
  isApplicationError: (answer: RetriedAnswer) => boolean = () => false,
): Promise<RetriedAnswer> {
  const counts: RetryCounts = { throttles: 0, errors: 0 };
  for (;;) {
    const started = performance.now();
    let answer: RetriedAnswer;
    try {
      const response = await httpRequest({ ...request, timeoutMs: policy.timeoutMs });
      answer = { status: response.status, headers: response.headers, text: response.text, transportError: null, latencyMs: performance.now() - started };
    } catch (error) {
      answer = { status: null, headers: {}, text: "", transportError: transportErrorBody(error), latencyMs: performance.now() - started };
    }
    const waitMs = nextRetryDelayMs(answer.status, answer.headers, counts, policy, answer.status !== null && isApplicationError(answer));
    if (waitMs === null) return answer;
    await policy.sleep(waitMs);
  }
}
