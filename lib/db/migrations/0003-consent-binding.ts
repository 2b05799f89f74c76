import { type Kysely } from "kysely";

/**
 * A consent counts only when a user of the tenant signed in, in the same browser, right
 * after it: the attempt remembers who that was, and the tenant who consented last.
 * `portal_settings` holds values an admin changes at run time (the partner session
 * version that signs everyone out).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations must not depend on today's table types
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("consent_attempts").addColumn("signed_in_oid", "text").execute();
  await db.schema.alterTable("consent_attempts").addColumn("signed_in_name", "text").execute();
  await db.schema.alterTable("consent_attempts").addColumn("signed_in_upn", "text").execute();
  await db.schema.alterTable("tenants").addColumn("consented_by_oid", "text").execute();
  await db.schema.alterTable("tenants").addColumn("consented_by_upn", "text").execute();
  await db.schema.createIndex("consent_attempts_invite_idx").on("consent_attempts").columns(["invite_id", "status"]).execute();
  await db.schema
    .createTable("portal_settings")
    .addColumn("key", "text", (c) => c.primaryKey().notNull())
    .addColumn("value", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .addColumn("updated_by", "text")
    .execute();
}
