/**
 * When a failed delivery is tried again: after attempt n (1-based) wait RETRY_DELAYS_SECONDS[n-1]
 * plus up to 20 % jitter (jitter only adds, so the schedule spans at least its sum, over 24 h);
 * after the last one the delivery is abandoned.
 */
export const RETRY_DELAYS_SECONDS = [5, 30, 120, 600, 1800, 3600, 7200, 14_400, 28_800, 28_800, 28_800] as const;

/** Attempts in all: the first and one per retry delay. */
export const MAX_ATTEMPTS = RETRY_DELAYS_SECONDS.length + 1;

const JITTER = 0.2;

/** The next attempt's time after `attempts` attempts failed, or null when the delivery is to be abandoned. */
export function nextAttemptAt(attempts: number, now: Date, random: () => number = Math.random): Date | null {
  if (attempts < 1 || attempts > RETRY_DELAYS_SECONDS.length) return null;
  const base = RETRY_DELAYS_SECONDS[attempts - 1]! * 1000;
  return new Date(now.getTime() + Math.round(base * (1 + JITTER * random())));
}
