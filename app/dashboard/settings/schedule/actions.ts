"use server";

import { revalidatePath } from "next/cache";
import { headers } from "next/headers";

import { MINIMUM_ROLE } from "@/lib/auth/roles";
import { getDb } from "@/lib/db/database";
import { setScheduleAsPartner } from "@/lib/schedules/schedule";
import { parseScheduleForm, type ScheduleFormErrors, type ScheduleFormValues } from "@/lib/schedules/schedule-input";
import { requestOrigin } from "@/lib/http/request-meta";
import { requirePartnerForAction } from "@/lib/session/require-partner";

export interface ScheduleFormState {
  values?: ScheduleFormValues;
  errors?: ScheduleFormErrors;
  message?: string;
}

// Server action: set the re-test schedule (admins; audited). Field errors come back with the values as typed.
export async function setScheduleAction(_previous: ScheduleFormState, formData: FormData): Promise<ScheduleFormState> {
  const admin = await requirePartnerForAction(MINIMUM_ROLE.manageSchedule);
  const values: ScheduleFormValues = { mode: String(formData.get("mode") ?? ""), everyHours: String(formData.get("everyHours") ?? ""), at: String(formData.get("at") ?? "") };
  const parsed = parseScheduleForm(values);
  if (!parsed.ok) return { values, errors: parsed.errors, message: "Check the highlighted fields." };
  await setScheduleAsPartner(await getDb(), admin, parsed.rule, requestOrigin(await headers()));
  revalidatePath("/dashboard/settings/schedule");
  return { values, message: parsed.rule.mode === "off" ? "Scheduled re-tests are off." : "Schedule saved." };
}
