import { describe, expect, it } from "vitest";

import { DEFAULT_RETRY_POLICY, nextRetryDelayMs, retryAfterMs, type RetryCounts } from "@/lib/graph/retry";

const policy = { ...DEFAULT_RETRY_POLICY, maxThrottleRetries: 2, maxErrorRetries: 1, random: () => 0.5 };
const fresh = (): RetryCounts => ({ throttles: 0, errors: 0 });

describe("nextRetryDelayMs: the one retry rule", () => {
  it("waits exactly Retry-After (fractions too) for a 429, up to the throttle limit", () => {
    const counts = fresh();
    expect(nextRetryDelayMs(429, { "retry-after": "0.25" }, counts, policy)).toBe(250);
    expect(nextRetryDelayMs(429, {}, counts, policy)).toBe(1000);
    expect(nextRetryDelayMs(429, { "retry-after": "1" }, counts, policy)).toBeNull();
    expect(counts).toEqual({ throttles: 2, errors: 0 });
  });

  it("treats a 503 with Retry-After as throttling, and one without as an error", () => {
    expect(nextRetryDelayMs(503, { "retry-after": "2" }, fresh(), policy)).toBe(2000);
    const counts = fresh();
    expect(nextRetryDelayMs(503, {}, counts, policy)).toBe(200);
    expect(counts).toEqual({ throttles: 0, errors: 1 });
  });

  it("backs off on 5xx and no answer, within the error limit", () => {
    const counts = fresh();
    expect(nextRetryDelayMs(null, {}, counts, policy)).toBe(200);
    expect(nextRetryDelayMs(500, {}, counts, policy)).toBeNull();
  });

  it("never retries an answer the service meant (4xx, or a 5xx that is its application error)", () => {
    for (const status of [400, 401, 403, 404]) expect(nextRetryDelayMs(status, {}, fresh(), policy)).toBeNull();
    expect(nextRetryDelayMs(500, {}, fresh(), policy, true)).toBeNull();
  });

  it("reads Retry-After as seconds or an HTTP date", () => {
    expect(retryAfterMs("1.5")).toBe(1500);
    expect(retryAfterMs("Mon, 30 Nov 2026 12:00:10 GMT", Date.parse("Mon, 30 Nov 2026 12:00:00 GMT"))).toBe(10_000);
    expect(retryAfterMs("soon")).toBeNull();
  });
});
