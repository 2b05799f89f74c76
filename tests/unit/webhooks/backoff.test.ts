import { describe, expect, it } from "vitest";

import { MAX_ATTEMPTS, nextAttemptAt, RETRY_DELAYS_SECONDS } from "@/lib/webhooks/backoff";

const now = new Date("2026-11-30T00:00:00Z");

describe("the retry schedule", () => {
  it("starts at 5 s and grows to 8 h", () => {
    expect(RETRY_DELAYS_SECONDS.slice(0, 4)).toEqual([5, 30, 120, 600]);
    expect(Math.max(...RETRY_DELAYS_SECONDS)).toBe(8 * 3600);
  });

  it("keeps trying for at least 24 hours, even with the least jitter", () => {
    let at = now;
    for (let attempt = 1; attempt < MAX_ATTEMPTS; attempt++) at = nextAttemptAt(attempt, at, () => 0)!;
    expect(at.getTime() - now.getTime()).toBeGreaterThanOrEqual(24 * 3600 * 1000);
  });

  it("abandons after the last attempt", () => {
    expect(nextAttemptAt(MAX_ATTEMPTS, now)).toBeNull();
    expect(nextAttemptAt(MAX_ATTEMPTS - 1, now)).not.toBeNull();
  });

  it.each([
    [1, 0, 5_000],
    [1, 1, 6_000],
    [2, 0.5, 33_000],
    [9, 0, 28_800_000],
  ])("after attempt %i with jitter %f waits %i ms (jitter only adds, up to 20 %)", (attempt, random, ms) => {
    expect(nextAttemptAt(attempt, now, () => random)!.getTime() - now.getTime()).toBe(ms);
  });
});
