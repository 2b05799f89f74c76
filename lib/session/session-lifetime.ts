/**
 * When a partner session ends, as pure functions of its timestamps so the rules can be
 * tested without a clock or a cookie. A session ends at the first of: 8 hours after
 * sign-in (absolute, however active the person is), `idleMinutes` after the last request
 * that counted as activity, or an admin raising the session version ("sign everyone out").
 */

/** The absolute lifetime: a stolen cookie is worthless after this, whatever its activity. */
export const SESSION_ABSOLUTE_SECONDS = 8 * 3600;

/**
 * Activity re-seals the cookie at most this often: every request would otherwise send a
 * fresh Set-Cookie, and idle timeouts measured in minutes do not need second accuracy.
 */
export const REFRESH_AFTER_SECONDS = 60;

/**
 * Clocks of several portal instances differ a little; a timestamp further in the future
 * than this cannot come from a sane clock and the session is not trusted.
 */
const CLOCK_SKEW_MS = 5 * 60_000;

export interface SessionTimes {
  signedInAt: number;
  lastSeenAt: number;
}

export type SessionTimeState = "active" | "expired" | "idle";

export function sessionTimeState(times: SessionTimes, now: number, idleMinutes: number): SessionTimeState {
  if (times.signedInAt > now + CLOCK_SKEW_MS || times.lastSeenAt > now + CLOCK_SKEW_MS || times.lastSeenAt < times.signedInAt) return "expired";
  if (now - times.signedInAt >= SESSION_ABSOLUTE_SECONDS * 1000) return "expired";
  if (now - times.lastSeenAt >= idleMinutes * 60_000) return "idle";
  return "active";
}

/** Seconds until the absolute end: the cookie's Max-Age and the seal's TTL, so neither outlives the session. */
export function remainingSessionSeconds(times: Pick<SessionTimes, "signedInAt">, now: number): number {
  return Math.floor((times.signedInAt + SESSION_ABSOLUTE_SECONDS * 1000 - now) / 1000);
}

/** True when an active session's last-seen time is old enough to be worth re-sealing. */
export function needsRefresh(times: SessionTimes, now: number): boolean {
  return now - times.lastSeenAt >= REFRESH_AFTER_SECONDS * 1000;
}

/** A session whose version is below the current one was signed out by an admin. */
export function isSessionVersionCurrent(sessionVersion: number, currentVersion: number): boolean {
  return sessionVersion >= currentVersion;
}
