import { sql, type Kysely } from "kysely";

/**
 * A consent counts only when a user of the tenant signed in, in the same browser, right
 * after it: the attempt remembers who that was, and the tenant who consented last.
 * Attempts still verifying from before are closed as unbound.
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
  // Attempts started by the old callback were never bound to a sign-in: they must not be
  // resumed (a token for the tenant proves nothing about who sent the callback).
  await sql`update consent_attempts set status = 'failed', last_error_code = 'unbound_legacy', last_error = 'Started before consents had to be confirmed by a sign-in; start again from the invite link.', finished_at = ${new Date().toISOString()} where status = 'verifying'`.execute(db);
  await db.schema.createIndex("consent_attempts_invite_idx").on("consent_attempts").columns(["invite_id", "status"]).execute();
  await db.schema
    .createTable("portal_settings")
    .addColumn("key", "text", (c) => c.primaryKey().notNull())
    .addColumn("value", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .addColumn("updated_by", "text")
    .execute();
}
