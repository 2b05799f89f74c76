/** Tables of the re-test schedule and its due slots (migration 7). */

/** The one row (id 1) holding the admins' re-test schedule. */
export interface RetestScheduleTable {
  id: number;
  /** "off", "interval" (every `every_hours` hours) or "daily" (at `daily_at`, UTC). */
  mode: "off" | "interval" | "daily";
  every_hours: number | null;
  /** "HH:MM", UTC. */
  daily_at: string | null;
  /** When the rule last changed: the count starts again from here (or from the last run, if later). */
  updated_at: string;
  updated_by: string | null;
}

/**
 * One row per due slot that an instance started (or is starting). The slot's time is the
 * primary key, so two instances can never both start the same slot; a claim whose bulk
 * run was never attached (the claimer died) can be taken over once its lease runs out.
 */
export interface ScheduledRunsTable {
  /** The slot on the schedule's grid, ISO-8601 UTC. */
  slot_at: string;
  claimed_by: string;
  claimed_at: string;
  lease_until: string;
  bulk_run_id: string | null;
}

export interface ScheduleTables {
  retest_schedule: RetestScheduleTable;
  scheduled_runs: ScheduledRunsTable;
}
