import type { Metadata } from "next";
import Link from "next/link";

import { LocalTime } from "@/app/dashboard/settings/schedule/local-time";
import { ScheduleForm } from "@/app/dashboard/settings/schedule/schedule-form";
import { When } from "@/app/ui/status-badge";
import { MINIMUM_ROLE } from "@/lib/auth/roles";
import { getDb } from "@/lib/db/database";
import { describeSchedule, getScheduleView, scheduleFormValues } from "@/lib/schedules/schedule";
import { requirePartner } from "@/lib/session/require-partner";

export const metadata: Metadata = { title: "Re-test schedule" };

// GET /dashboard/settings/schedule — admins only: the re-test schedule, when it is next due, its last run.
export default async function SchedulePage() {
  await requirePartner(MINIMUM_ROLE.manageSchedule);
  const view = await getScheduleView(await getDb());
  return (
    <>
      <p className="text-sm">
        <Link href="/dashboard/settings" className="text-brand-700 hover:underline">
          Settings
        </Link>
      </p>
      <h1 className="text-2xl font-semibold">Re-test schedule</h1>
      <dl className="mt-4 grid grid-cols-[max-content_1fr] gap-x-6 gap-y-1 text-sm" data-testid="schedule">
        <dt className="text-slate-500">Schedule</dt>
        <dd>
          {describeSchedule(view)}
          {view.schedule.updatedBy ? (
            <span className="text-slate-500">
              {" "}
              (set <When iso={view.schedule.updatedAt} /> by {view.schedule.updatedBy})
            </span>
          ) : null}
        </dd>
        <dt className="text-slate-500">Next run due</dt>
        <dd data-testid="next-due">
          {view.nextDueAt ? (
            <>
              <When iso={view.nextDueAt} /> <LocalTime iso={view.nextDueAt} />
            </>
          ) : (
            "never (off)"
          )}
        </dd>
        <dt className="text-slate-500">Last scheduled run</dt>
        <dd data-testid="last-run">
          {view.lastRun ? (
            <>
              for the slot <When iso={view.lastRun.slotAt} />, started <When iso={view.lastRun.startedAt} />
              {view.lastRun.bulkRunId ? (
                <>
                  {" "}
                  —{" "}
                  <Link href={`/dashboard/bulk/${view.lastRun.bulkRunId}`} className="text-brand-700 hover:underline">
                    its progress{view.lastRun.status ? ` (${view.lastRun.status})` : ""}
                  </Link>
                </>
              ) : (
                " — starting"
              )}
            </>
          ) : (
            "none yet"
          )}
        </dd>
      </dl>
      <p className="mt-3 max-w-2xl text-sm text-slate-600">
        A scheduled run is &ldquo;Test all tenants&rdquo; started by the portal itself (shown as requested by <span className="font-mono">schedule</span>). With several portal
        instances exactly one starts each run; an instance that was down when a run was due starts it once when it is back.
      </p>
      <ScheduleForm current={scheduleFormValues(view)} />
    </>
  );
}
