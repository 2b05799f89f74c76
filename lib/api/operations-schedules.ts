import type { ApiOperation } from "@/lib/api/operations";
import { MINIMUM_ROLE } from "@/lib/auth/roles";
import { scheduleViewSchema } from "@/lib/schedules/schedule";
import { scheduleBodySchema } from "@/lib/schedules/schedule-input";

/** The re-test schedule's /api/v1 operations. */
export const SCHEDULE_OPERATIONS: readonly ApiOperation[] = [
  {
    operationId: "getSchedule",
    method: "get",
    path: "/api/v1/schedule",
    file: "app/api/v1/schedule/route.ts",
    summary: "The re-test schedule (off, every N hours, or daily at HH:MM UTC), when it is next due and its last run",
    role: MINIMUM_ROLE.viewDashboard,
    responses: { "200": { description: "The schedule", schema: scheduleViewSchema } },
  },
  {
    operationId: "setSchedule",
    method: "put",
    path: "/api/v1/schedule",
    file: "app/api/v1/schedule/route.ts",
    summary: "Set the re-test schedule: exactly one instance starts each due run of every tenant",
    role: MINIMUM_ROLE.manageSchedule,
    body: scheduleBodySchema,
    responses: { "200": { description: "The schedule as set", schema: scheduleViewSchema } },
  },
];
