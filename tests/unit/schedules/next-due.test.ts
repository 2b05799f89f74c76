import { describe, expect, it } from "vitest";

import { dueSlotAt, nextDueAt, scheduleAnchor, type ScheduleRule } from "@/lib/schedules/next-due";

const at = (iso: string) => new Date(iso);
const iso = (date: Date | null) => date?.toISOString() ?? null;

describe("nextDueAt", () => {
  it.each<[string, ScheduleRule, string, string | null]>([
    ["off is never due", { mode: "off" }, "2026-03-01T10:00:00.000Z", null],
    ["every 6 hours from the anchor", { mode: "interval", everyHours: 6 }, "2026-03-01T10:15:00.000Z", "2026-03-01T16:15:00.000Z"],
    ["every 168 hours crosses the week", { mode: "interval", everyHours: 168 }, "2026-12-28T09:00:00.000Z", "2027-01-04T09:00:00.000Z"],
    ["every 1 hour across midnight", { mode: "interval", everyHours: 1 }, "2026-06-30T23:30:00.000Z", "2026-07-01T00:30:00.000Z"],
    ["daily later the same day", { mode: "daily", at: "14:30" }, "2026-03-01T10:00:00.000Z", "2026-03-01T14:30:00.000Z"],
    ["daily already past today: tomorrow", { mode: "daily", at: "09:00" }, "2026-03-01T10:00:00.000Z", "2026-03-02T09:00:00.000Z"],
    ["daily exactly at the slot: the next day's", { mode: "daily", at: "09:00" }, "2026-03-01T09:00:00.000Z", "2026-03-02T09:00:00.000Z"],
    ["daily at midnight across the month end", { mode: "daily", at: "00:00" }, "2026-01-31T23:59:59.999Z", "2026-02-01T00:00:00.000Z"],
    ["daily across the year end", { mode: "daily", at: "23:59" }, "2026-12-31T23:59:00.000Z", "2027-01-01T23:59:00.000Z"],
    ["daily across a leap day", { mode: "daily", at: "12:00" }, "2028-02-28T13:00:00.000Z", "2028-02-29T12:00:00.000Z"],
  ])("%s", (_name, rule, anchor, expected) => {
    expect(iso(nextDueAt(rule, at(anchor)))).toBe(expected);
  });

  it("knows no daylight saving time: the same UTC time on the days Europe and the US change clocks", () => {
    const rule: ScheduleRule = { mode: "daily", at: "02:30" };
    expect(iso(nextDueAt(rule, at("2026-03-29T00:00:00.000Z")))).toBe("2026-03-29T02:30:00.000Z"); // EU spring forward
    expect(iso(nextDueAt(rule, at("2026-10-25T03:00:00.000Z")))).toBe("2026-10-26T02:30:00.000Z"); // EU fall back
    expect(iso(nextDueAt(rule, at("2026-03-08T01:00:00.000Z")))).toBe("2026-03-08T02:30:00.000Z"); // US spring forward
    expect(iso(nextDueAt({ mode: "interval", everyHours: 24 }, at("2026-03-28T02:30:00.000Z")))).toBe("2026-03-29T02:30:00.000Z");
  });
});

describe("scheduleAnchor", () => {
  it("counts from the last scheduled run, or from the change of the rule when that is later", () => {
    expect(iso(scheduleAnchor(at("2026-03-01T06:00:00Z"), at("2026-02-01T00:00:00Z")))).toBe("2026-03-01T06:00:00.000Z");
    expect(iso(scheduleAnchor(at("2026-03-01T06:00:00Z"), at("2026-03-01T07:00:00Z")))).toBe("2026-03-01T07:00:00.000Z");
    expect(iso(scheduleAnchor(null, at("2026-03-01T07:00:00Z")))).toBe("2026-03-01T07:00:00.000Z");
  });
});

describe("dueSlotAt", () => {
  const every6: ScheduleRule = { mode: "interval", everyHours: 6 };
  const anchor = at("2026-03-01T00:00:00.000Z");

  it.each<[string, ScheduleRule, string, string | null]>([
    ["nothing before the first slot", every6, "2026-03-01T05:59:59.999Z", null],
    ["the slot at its time", every6, "2026-03-01T06:00:00.000Z", "2026-03-01T06:00:00.000Z"],
    ["the slot a little after its time", every6, "2026-03-01T06:00:30.000Z", "2026-03-01T06:00:00.000Z"],
    ["after a long outage, only the latest missed slot", every6, "2026-03-02T13:00:00.000Z", "2026-03-02T12:00:00.000Z"],
    ["daily: after three days down, today's slot once", { mode: "daily", at: "09:00" }, "2026-03-04T10:00:00.000Z", "2026-03-04T09:00:00.000Z"],
    ["daily: before today's slot, yesterday's missed one", { mode: "daily", at: "09:00" }, "2026-03-04T08:00:00.000Z", "2026-03-03T09:00:00.000Z"],
    ["off: never", { mode: "off" }, "2027-01-01T00:00:00.000Z", null],
  ])("%s", (_name, rule, now, expected) => {
    expect(iso(dueSlotAt(rule, anchor, at(now)))).toBe(expected);
  });

  it("after a catch-up, the next slot is a full step later (no burst)", () => {
    const slot = dueSlotAt(every6, anchor, at("2026-03-02T13:00:00.000Z"))!;
    expect(dueSlotAt(every6, slot, at("2026-03-02T13:00:30.000Z"))).toBeNull();
    expect(iso(nextDueAt(every6, slot))).toBe("2026-03-02T18:00:00.000Z");
  });
});
