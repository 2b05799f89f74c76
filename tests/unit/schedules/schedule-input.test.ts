import { describe, expect, it } from "vitest";

import { parseScheduleForm, scheduleBodySchema } from "@/lib/schedules/schedule-input";

describe("scheduleBodySchema (PUT /api/v1/schedule)", () => {
  it.each([[{ mode: "off" }], [{ mode: "interval", everyHours: 1 }], [{ mode: "interval", everyHours: 168 }], [{ mode: "daily", at: "00:00" }], [{ mode: "daily", at: "23:59" }]])("accepts %j", (body) => {
    expect(scheduleBodySchema.parse(body)).toEqual(body);
  });

  it.each<[unknown, string]>([
    [{}, "mode"],
    [{ mode: "weekly" }, "mode"],
    [{ mode: "interval" }, "everyHours"],
    [{ mode: "interval", everyHours: 0 }, "everyHours"],
    [{ mode: "interval", everyHours: 169 }, "everyHours"],
    [{ mode: "interval", everyHours: 1.5 }, "everyHours"],
    [{ mode: "daily", at: "24:00" }, "at"],
    [{ mode: "daily", at: "9:00" }, "at"],
    [{ mode: "daily", at: "09:60" }, "at"],
    [{ mode: "daily" }, "at"],
  ])("refuses %j, naming %s", (body, field) => {
    const parsed = scheduleBodySchema.safeParse(body);
    expect(parsed.success).toBe(false);
    expect(parsed.error!.issues[0]!.path.join(".")).toBe(field);
  });

  it("refuses unknown fields", () => {
    expect(scheduleBodySchema.safeParse({ mode: "off", everyHours: 3 }).success).toBe(false);
  });
});

describe("parseScheduleForm (the settings form)", () => {
  it("takes only the chosen mode's field", () => {
    expect(parseScheduleForm({ mode: "interval", everyHours: "12", at: "nonsense" })).toEqual({ ok: true, rule: { mode: "interval", everyHours: 12 } });
    expect(parseScheduleForm({ mode: "daily", everyHours: "x", at: " 06:15 " })).toEqual({ ok: true, rule: { mode: "daily", at: "06:15" } });
    expect(parseScheduleForm({ mode: "off", everyHours: "", at: "" })).toEqual({ ok: true, rule: { mode: "off" } });
  });

  it.each([
    [{ mode: "interval", everyHours: "", at: "" }, "everyHours"],
    [{ mode: "interval", everyHours: "200", at: "" }, "everyHours"],
    [{ mode: "interval", everyHours: "two", at: "" }, "everyHours"],
    [{ mode: "daily", everyHours: "", at: "25:00" }, "at"],
    [{ mode: "hourly", everyHours: "", at: "" }, "mode"],
  ])("puts the error of %j on %s", (values, field) => {
    const parsed = parseScheduleForm(values);
    expect(parsed.ok).toBe(false);
    expect(Object.keys(!parsed.ok ? parsed.errors : {})).toEqual([field]);
  });
});
