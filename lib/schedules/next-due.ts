import { AppError } from "@/lib/errors";

/**
 * When the re-test schedule is next due. Pure and in UTC only: no time zone and no daylight
 * saving time enters, so "daily at 02:30" is 02:30 UTC every day of the year.
 */

export type ScheduleRule = { mode: "off" } | { mode: "interval"; everyHours: number } | { mode: "daily"; at: string };

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** "HH:MM" → minutes after midnight UTC. */
function minutesOfDay(at: string): number {
  const match = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(at);
  if (!match) throw new AppError("invalid_input", `"${at}" is not a time of day as HH:MM.`);
  return Number(match[1]) * 60 + Number(match[2]);
}

/** The first slot of the daily grid strictly after `after`. */
function nextDailySlot(at: string, after: Date): Date {
  const midnight = Date.UTC(after.getUTCFullYear(), after.getUTCMonth(), after.getUTCDate());
  const today = midnight + minutesOfDay(at) * 60_000;
  return new Date(today > after.getTime() ? today : today + DAY_MS);
}

/**
 * Where the count starts: the later of the last scheduled run's slot and the time the rule last
 * changed. Never the process's start, so a restart moves nothing.
 */
export function scheduleAnchor(lastSlotAt: Date | null, ruleChangedAt: Date): Date {
  return lastSlotAt && lastSlotAt.getTime() > ruleChangedAt.getTime() ? lastSlotAt : ruleChangedAt;
}

/** The next due slot after `anchor` (see scheduleAnchor), or null when the schedule is off. */
export function nextDueAt(rule: ScheduleRule, anchor: Date): Date | null {
  switch (rule.mode) {
    case "off":
      return null;
    case "interval":
      return new Date(anchor.getTime() + rule.everyHours * HOUR_MS);
    case "daily":
      return nextDailySlot(rule.at, anchor);
  }
}

/**
 * The slot to start at `now`, or null when none is due. When several slots passed while no
 * instance ran, only the latest of them is returned: one catch-up run, not a burst, and the
 * next one is due a full step after it.
 */
export function dueSlotAt(rule: ScheduleRule, anchor: Date, now: Date): Date | null {
  const first = nextDueAt(rule, anchor);
  if (!first || first.getTime() > now.getTime()) return null;
  const step = rule.mode === "interval" ? rule.everyHours * HOUR_MS : DAY_MS;
  const missed = Math.floor((now.getTime() - first.getTime()) / step);
  return new Date(first.getTime() + missed * step);
}
