import "server-only";

import { z } from "zod";

import type { Db } from "@/lib/db/database";
import { getRetestSchedule, latestScheduledRun, setRetestSchedule } from "@/lib/db/repositories/schedules";
import type { Meta } from "@/lib/http/request-meta";
import { bulkProgressView } from "@/lib/probes/bulk";
import { nextDueAt, scheduleAnchor, type ScheduleRule } from "@/lib/schedules/next-due";
import { scheduleBodySchema, type ScheduleFormValues } from "@/lib/schedules/schedule-input";
import type { Partner } from "@/lib/session/partner-session";

/** The schedule as the settings page and GET /api/v1/schedule show it. */
export const scheduleViewSchema = z.object({
  schedule: z.object({
    mode: z.enum(["off", "interval", "daily"]),
    everyHours: z.number().int().nullable().describe("Hours between runs when mode is interval."),
    at: z.string().nullable().describe("Time of day (HH:MM, UTC) when mode is daily."),
    updatedAt: z.string().describe("When the rule last changed (ISO-8601 UTC)."),
    updatedBy: z.string().nullable(),
  }),
  nextDueAt: z.string().nullable().describe("When the next scheduled run is due (ISO-8601 UTC); null when off. Counted from the later of the last scheduled run's slot and the last change of the rule."),
  lastRun: z
    .object({
      slotAt: z.string().describe("The slot it ran for (ISO-8601 UTC)."),
      startedAt: z.string(),
      bulkRunId: z.string().nullable().describe("Null while the claiming instance is still starting it."),
      status: z.enum(["running", "completed", "cancelled"]).nullable(),
    })
    .nullable(),
});
export type ScheduleView = z.infer<typeof scheduleViewSchema>;

function describeRuleFields(rule: ScheduleRule): Pick<ScheduleView["schedule"], "mode" | "everyHours" | "at"> {
  return { mode: rule.mode, everyHours: rule.mode === "interval" ? rule.everyHours : null, at: rule.mode === "daily" ? rule.at : null };
}

/** The schedule, when it is next due and its last run. It only reads. */
export async function getScheduleView(db: Db): Promise<ScheduleView> {
  const [schedule, last] = await Promise.all([getRetestSchedule(db), latestScheduledRun(db)]);
  const anchor = scheduleAnchor(last ? new Date(last.slotAt) : null, new Date(schedule.updatedAt));
  const progress = last?.bulkRunId ? await bulkProgressView(db, last.bulkRunId) : null;
  return {
    schedule: { ...describeRuleFields(schedule.rule), updatedAt: schedule.updatedAt, updatedBy: schedule.updatedBy },
    nextDueAt: nextDueAt(schedule.rule, anchor)?.toISOString() ?? null,
    lastRun: last ? { slotAt: last.slotAt, startedAt: last.claimedAt, bulkRunId: last.bulkRunId, status: progress?.status ?? null } : null,
  };
}

/** Sets the schedule for an admin (audited as schedule.changed with the old and new rule). */
export async function setScheduleAsPartner(db: Db, partner: Partner, rule: ScheduleRule, meta: Meta): Promise<ScheduleView> {
  await setRetestSchedule(db, rule, partner.username, meta);
  return getScheduleView(db);
}

/** PUT /api/v1/schedule: validates the body with the schema the OpenAPI document shows. */
export async function setScheduleForApi(db: Db, caller: Partner, body: unknown, meta: Meta): Promise<ScheduleView> {
  return setScheduleAsPartner(db, caller, scheduleBodySchema.parse(body), meta);
}

/** "every 6 hours", "daily at 09:00 UTC" or "off". */
export function describeSchedule(view: ScheduleView): string {
  const { mode, everyHours, at } = view.schedule;
  if (mode === "interval") return everyHours === 1 ? "every hour" : `every ${everyHours} hours`;
  if (mode === "daily") return `daily at ${at} UTC`;
  return "off";
}

/** The form's fields as the current schedule fills them. */
export function scheduleFormValues(view: ScheduleView): ScheduleFormValues {
  return { mode: view.schedule.mode, everyHours: view.schedule.everyHours === null ? "" : String(view.schedule.everyHours), at: view.schedule.at ?? "" };
}
