import { z } from "zod";

import type { ScheduleRule } from "@/lib/schedules/next-due";

/** Validation of a schedule as the API and the settings form send it. Pure, so the form's client can share it. */

export const MIN_EVERY_HOURS = 1;
export const MAX_EVERY_HOURS = 168;

const everyHoursSchema = z.coerce
  .number({ error: `must be a whole number of hours from ${MIN_EVERY_HOURS} to ${MAX_EVERY_HOURS}` })
  .int(`must be a whole number of hours from ${MIN_EVERY_HOURS} to ${MAX_EVERY_HOURS}`)
  .min(MIN_EVERY_HOURS, `must be a whole number of hours from ${MIN_EVERY_HOURS} to ${MAX_EVERY_HOURS}`)
  .max(MAX_EVERY_HOURS, `must be a whole number of hours from ${MIN_EVERY_HOURS} to ${MAX_EVERY_HOURS}`);
const dailyAtSchema = z.string({ error: "must be a time of day as HH:MM (UTC)" }).regex(/^([01]\d|2[0-3]):[0-5]\d$/, "must be a time of day as HH:MM (UTC), from 00:00 to 23:59");

/** PUT /api/v1/schedule's body. */
export const scheduleBodySchema = z.discriminatedUnion(
  "mode",
  [
    z.object({ mode: z.literal("off") }).strict(),
    z.object({ mode: z.literal("interval"), everyHours: everyHoursSchema.describe("Hours between runs, 1–168.") }).strict(),
    z.object({ mode: z.literal("daily"), at: dailyAtSchema.describe("Time of day, HH:MM in UTC.") }).strict(),
  ],
  { error: 'mode must be "off", "interval" or "daily"' },
);
export type ScheduleBody = z.infer<typeof scheduleBodySchema>;

export function toScheduleRule(body: ScheduleBody): ScheduleRule {
  return body;
}

export interface ScheduleFormValues {
  mode: string;
  everyHours: string;
  at: string;
}

export type ScheduleFormErrors = Partial<Record<keyof ScheduleFormValues, string[]>>;

/**
 * The settings form: every field is posted, only the chosen mode's field counts (an hour
 * count left in the box while "daily" is chosen is not an error).
 */
export function parseScheduleForm(values: ScheduleFormValues): { ok: true; rule: ScheduleRule } | { ok: false; errors: ScheduleFormErrors } {
  const body = values.mode === "interval" ? { mode: values.mode, everyHours: values.everyHours.trim() === "" ? undefined : values.everyHours } : values.mode === "daily" ? { mode: values.mode, at: values.at.trim() } : { mode: values.mode };
  const parsed = scheduleBodySchema.safeParse(body);
  if (parsed.success) return { ok: true, rule: toScheduleRule(parsed.data) };
  const errors: ScheduleFormErrors = {};
  for (const issue of parsed.error.issues) {
    const field = (issue.path[0] === "everyHours" || issue.path[0] === "at" ? issue.path[0] : "mode") as keyof ScheduleFormValues;
    (errors[field] ??= []).push(issue.message);
  }
  return { ok: false, errors };
}
