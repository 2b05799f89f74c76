import { sql, type Kysely } from "kysely";

/**
 * A consent attempt: a callback whose state matched its browser's sealed cookie, while
 * the portal proves the consent with a token. The tenant stays a claim until verified.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations must not depend on today's table types
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("consent_attempts")
    .addColumn("id", "text", (c) => c.primaryKey().notNull())
    .addColumn("invite_id", "text", (c) => c.references("invites.id").onDelete("set null"))
    .addColumn("state_hash", "text", (c) => c.notNull().unique())
    .addColumn("tenant_claim", "text", (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("tries", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("last_error_code", "text")
    .addColumn("last_error", "text")
    .addColumn("roles", "text")
    .addColumn("started_at", "text", (c) => c.notNull())
    .addColumn("deadline_at", "text", (c) => c.notNull())
    .addColumn("finished_at", "text")
    .addColumn("ip", "text")
    .addColumn("user_agent", "text")
    .addCheckConstraint("consent_attempts_status_check", sql`status in ('verifying', 'verified', 'failed')`)
    .execute();
  await db.schema.createIndex("consent_attempts_status_idx").on("consent_attempts").columns(["status", "started_at"]).execute();
}
