import { sql, type Kysely } from "kysely";

/**
 * Every sort of the tenant list and the invite list walks an index instead of sorting the table.
 * - `tenants.last_check_at`: when the run `last_probe_run_id` names started, written with it (like
 *   `last_check_status`), so the "last check" sort needs no join to probe_runs. Sorting 10,000
 *   tenants by last check through that join took 5–9 ms a page (the API list page cost twice a page
 *   sorted by name); along this index it reads one page of rows.
 * - `tenants (created_at, id)` for the "added" sort.
 * - `invites (created_at, id)` for the invite list's newest-first keyset paging; it replaces the
 *   index on `created_at` alone.
 * Both engines walk these indexes backwards for the descending sorts (whose tie-break on the ID
 * descends too).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations must not depend on today's table types
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("tenants").addColumn("last_check_at", "text").execute();
  await sql`update tenants set last_check_at = (select r.started_at from probe_runs r where r.id = tenants.last_probe_run_id) where last_probe_run_id is not null`.execute(db);
  await db.schema.createIndex("tenants_last_check_order_idx").on("tenants").expression(sql`coalesce(last_check_at, ''), id`).execute();
  await db.schema.createIndex("tenants_created_order_idx").on("tenants").columns(["created_at", "id"]).execute();
  await db.schema.createIndex("invites_order_idx").on("invites").columns(["created_at", "id"]).execute();
  await db.schema.dropIndex("invites_created_at_idx").execute();
}
