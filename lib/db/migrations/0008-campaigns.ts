import { sql, type Kysely } from "kysely";

/**
 * Re-consent campaigns: when the app's permissions grow, one invite per tenant on an older set,
 * tracked together. An invite remembers the campaign that issued it. And the tenant list's default
 * order (by name) gets an index, so its first page at 10,000 tenants reads 51 rows, not all.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations must not depend on today's table types
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("reconsent_campaigns")
    .addColumn("id", "text", (c) => c.primaryKey().notNull())
    .addColumn("permission_set_version", "integer", (c) => c.notNull())
    .addColumn("created_by", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();
  await db.schema.alterTable("invites").addColumn("campaign_id", "text").execute();
  await db.schema.createIndex("invites_campaign_idx").on("invites").column("campaign_id").execute();
  await db.schema.createIndex("tenants_name_order_idx").on("tenants").expression(sql`lower(coalesce(display_name, id)), id`).execute();
}
