/**
 * Retry-After in milliseconds: delta-seconds (fractions allowed, as Graph sends them) or
 * an HTTP date. Null when absent or unreadable.
 * @see https://www.rfc-editor.org/rfc/rfc9110#field.retry-after
 */
export function retryAfterMs(value: string | null | undefined, now: number = Date.now()): number | null {
  if (!value) return null;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.ceil(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}

/** Exponential backoff with full jitter, for 5xx and resets: up to base·2^attempt, capped. */
export function backoffWithJitterMs(attempt: number, random: () => number = Math.random, baseMs = 200, capMs = 5000): number {
  return Math.round(random() * Math.min(capMs, baseMs * 2 ** attempt));
}

export interface RetryPolicy {
  /** How many times a throttled request is sent again. */
  maxThrottleRetries: number;
  /** How many times a 5xx, reset or timeout is retried. */
  maxErrorRetries: number;
  /** Per HTTP request. */
  timeoutMs: number;
  sleep(ms: number): Promise<void>;
  random(): number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxThrottleRetries: 5,
  maxErrorRetries: 3,
  timeoutMs: 15_000,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  random: Math.random,
};

/** How many times one request was sent again, by reason. */
export interface RetryCounts {
  throttles: number;
  errors: number;
}

/**
 * The one retry rule for Graph, Exchange, EWS and SharePoint calls (and each request inside a
 * `$batch`): a throttled answer (429, or 503 with Retry-After) is sent again after exactly its
 * Retry-After; a 5xx, reset or timeout (`status` null) after jittered backoff — unless it is the
 * service's own answer to the request (`applicationError`, e.g. an EWS SOAP fault), which a retry
 * would only repeat. Returns how long to wait and counts the retry, or null when it is final.
 * @see https://learn.microsoft.com/graph/throttling
 */
export function nextRetryDelayMs(status: number | null, headers: Record<string, string>, counts: RetryCounts, policy: RetryPolicy, applicationError = false): number | null {
  const retryAfter = retryAfterMs(headers["retry-after"]);
  if ((status === 429 || (status === 503 && retryAfter !== null)) && counts.throttles < policy.maxThrottleRetries) {
    counts.throttles++;
    return retryAfter ?? 1000;
  }
  if ((status === null || status >= 500) && !applicationError && counts.errors < policy.maxErrorRetries) {
    counts.errors++;
    return backoffWithJitterMs(counts.errors, policy.random);
  }
  return null;
}
