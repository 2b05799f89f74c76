"use client";

import { useActionState } from "react";

import { setScheduleAction, type ScheduleFormState } from "@/app/dashboard/settings/schedule/actions";
import type { ScheduleFormValues } from "@/lib/schedules/schedule-input";

const inputClass = "mt-1 w-28 rounded border border-slate-300 px-2 py-1 aria-[invalid=true]:border-red-600";

/** The schedule form; on a validation error the values stay as typed and the fields say what is wrong. */
export function ScheduleForm({ current }: { current: ScheduleFormValues }) {
  const [state, action, pending] = useActionState<ScheduleFormState, FormData>(setScheduleAction, {});
  const values = state.values ?? current;
  const errors = state.errors ?? {};
  // A new key after each answer re-renders the fields with the values it carries.
  return (
    <form key={JSON.stringify(state)} action={action} className="mt-4 max-w-xl space-y-3 rounded-lg border border-slate-200 bg-white p-5 text-sm shadow-sm" aria-describedby="schedule-help">
      <fieldset>
        <legend className="font-medium">Re-test every tenant</legend>
        <p id="schedule-help" className="text-slate-600">
          Times are UTC. The next run is counted from the last scheduled run (or from this change, if later).
        </p>
        <label className="mt-2 flex items-center gap-2">
          <input type="radio" name="mode" value="off" defaultChecked={values.mode === "off"} /> Off
        </label>
        <div className="mt-2 flex flex-wrap items-center gap-2">
          <label className="flex items-center gap-2">
            <input type="radio" name="mode" value="interval" defaultChecked={values.mode === "interval"} /> Every
          </label>
          <input name="everyHours" type="number" min={1} max={168} step={1} inputMode="numeric" defaultValue={values.everyHours} aria-label="Hours between runs (1–168)" aria-invalid={Boolean(errors.everyHours)} aria-describedby="everyHours-error" className={inputClass} />
          <span>hours (1–168)</span>
          <p id="everyHours-error" className="w-full text-red-700">
            {errors.everyHours?.join(" ")}
          </p>
        </div>
        <div className="mt-1 flex flex-wrap items-center gap-2">
          <label className="flex items-center gap-2">
            <input type="radio" name="mode" value="daily" defaultChecked={values.mode === "daily"} /> Daily at
          </label>
          <input name="at" type="text" placeholder="HH:MM" pattern="[0-2][0-9]:[0-5][0-9]" defaultValue={values.at} aria-label="Time of day, HH:MM UTC" aria-invalid={Boolean(errors.at)} aria-describedby="at-error" className={inputClass} />
          <span>UTC</span>
          <p id="at-error" className="w-full text-red-700">
            {errors.at?.join(" ")}
          </p>
        </div>
        <p className="text-red-700">{errors.mode?.join(" ")}</p>
      </fieldset>
      <button type="submit" disabled={pending} className="rounded-md bg-brand-600 px-4 py-2 font-semibold text-white hover:bg-brand-700 disabled:opacity-60">
        {pending ? "Saving…" : "Save schedule"}
      </button>
      <p aria-live="polite">{state.message}</p>
    </form>
  );
}
