import type { Kysely } from "kysely";

/**
 * The re-test schedule (one row, off until an admin sets it) and the due slots started, keyed by
 * the slot's time so that exactly one instance starts each.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations must not depend on today's table types
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("retest_schedule")
    .addColumn("id", "integer", (c) => c.primaryKey().notNull())
    .addColumn("mode", "text", (c) => c.notNull())
    .addColumn("every_hours", "integer")
    .addColumn("daily_at", "text")
    .addColumn("updated_at", "text", (c) => c.notNull())
    .addColumn("updated_by", "text")
    .execute();
  // The row always exists, so an instance can lock it to claim a slot (PostgreSQL: SELECT … FOR UPDATE).
  await db.insertInto("retest_schedule").values({ id: 1, mode: "off", every_hours: null, daily_at: null, updated_at: new Date().toISOString(), updated_by: null }).execute();
  await db.schema
    .createTable("scheduled_runs")
    .addColumn("slot_at", "text", (c) => c.primaryKey().notNull())
    .addColumn("claimed_by", "text", (c) => c.notNull())
    .addColumn("claimed_at", "text", (c) => c.notNull())
    .addColumn("lease_until", "text", (c) => c.notNull())
    .addColumn("bulk_run_id", "text")
    .execute();
}
