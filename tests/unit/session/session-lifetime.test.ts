import { describe, expect, it } from "vitest";

import { isSessionVersionCurrent, needsRefresh, remainingSessionSeconds, SESSION_ABSOLUTE_SECONDS, sessionTimeState } from "@/lib/session/session-lifetime";

const T0 = Date.UTC(2026, 4, 10, 8, 0, 0);
const MIN = 60_000;
const HOUR = 60 * MIN;

describe("sessionTimeState (30-minute idle timeout, 8-hour absolute limit)", () => {
  it.each([
    ["just signed in", { signedInAt: T0, lastSeenAt: T0 }, T0, "active"],
    ["29 minutes idle", { signedInAt: T0, lastSeenAt: T0 }, T0 + 29 * MIN, "active"],
    ["exactly 30 minutes idle", { signedInAt: T0, lastSeenAt: T0 }, T0 + 30 * MIN, "idle"],
    ["31 minutes idle", { signedInAt: T0, lastSeenAt: T0 }, T0 + 31 * MIN, "idle"],
    ["active 7h59 after sign-in, seen a minute ago", { signedInAt: T0, lastSeenAt: T0 + 7 * HOUR + 58 * MIN }, T0 + 7 * HOUR + 59 * MIN, "active"],
    ["8 hours after sign-in, however active", { signedInAt: T0, lastSeenAt: T0 + 8 * HOUR - 1 }, T0 + 8 * HOUR, "expired"],
    ["9 hours after sign-in and idle too", { signedInAt: T0, lastSeenAt: T0 }, T0 + 9 * HOUR, "expired"],
    ["signed in in the future (a broken clock)", { signedInAt: T0 + 10 * MIN, lastSeenAt: T0 + 10 * MIN }, T0, "expired"],
    ["seen before it was signed in", { signedInAt: T0, lastSeenAt: T0 - MIN }, T0 + MIN, "expired"],
    ["a little clock skew between instances", { signedInAt: T0 + MIN, lastSeenAt: T0 + MIN }, T0, "active"],
  ] as const)("%s: %s", (_label, times, now, expected) => {
    expect(sessionTimeState(times, now, 30)).toBe(expected);
  });

  it.each([
    [5, 4, "active"],
    [5, 5, "idle"],
    [120, 119, "active"],
    [120, 121, "idle"],
  ] as const)("with SESSION_IDLE_MINUTES=%i, %i minutes idle is %s", (idleMinutes, idle, expected) => {
    expect(sessionTimeState({ signedInAt: T0, lastSeenAt: T0 }, T0 + idle * MIN, idleMinutes)).toBe(expected);
  });
});

describe("remainingSessionSeconds", () => {
  it.each([
    [0, SESSION_ABSOLUTE_SECONDS],
    [HOUR, SESSION_ABSOLUTE_SECONDS - 3600],
    [8 * HOUR - 1500, 1],
    [8 * HOUR - 500, 0],
    [9 * HOUR, -3600],
  ])("%i ms after sign-in leaves %i s", (elapsed, seconds) => {
    expect(remainingSessionSeconds({ signedInAt: T0 }, T0 + elapsed)).toBe(seconds);
  });
});

describe("needsRefresh", () => {
  it.each([
    [0, false],
    [59_999, false],
    [60_000, true],
    [25 * MIN, true],
  ])("%i ms after the last refresh: %s", (elapsed, expected) => {
    expect(needsRefresh({ signedInAt: T0, lastSeenAt: T0 }, T0 + elapsed)).toBe(expected);
  });
});

describe("isSessionVersionCurrent", () => {
  it.each([
    [1, 1, true],
    [2, 1, true],
    [1, 2, false],
    [4, 7, false],
  ])("a session of version %i against current %i: %s", (session, current, expected) => {
    expect(isSessionVersionCurrent(session, current)).toBe(expected);
  });
});
