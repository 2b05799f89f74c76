import type { Kysely } from "kysely";

/**
 * Bulk items with short leases renewed by a heartbeat: `heartbeat_at` is when the lease holder
 * last renewed it (a holder that stopped renewing is dead, and the progress ETA waits out its
 * lease), and `finished_by` is the instance that recorded the tenant's result.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations must not depend on today's table types
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("bulk_run_items").addColumn("heartbeat_at", "text").execute();
  await db.schema.alterTable("bulk_run_items").addColumn("finished_by", "text").execute();
}
