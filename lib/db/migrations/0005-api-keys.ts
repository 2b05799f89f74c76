import type { Kysely } from "kysely";

/**
 * API keys for automation: a name, a role, the key's visible prefix and the SHA-256 of the
 * whole key (the key itself is shown once and never stored), last use and revocation. And the
 * table rate-limiter-flexible's PostgreSQL store counts requests per key in (its own layout),
 * created here so no instance runs DDL while serving, and two starting at once cannot race.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations must not depend on today's table types
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("api_keys")
    .addColumn("id", "text", (c) => c.primaryKey().notNull())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("role", "text", (c) => c.notNull())
    .addColumn("prefix", "text", (c) => c.notNull())
    .addColumn("key_hash", "text", (c) => c.notNull().unique())
    .addColumn("created_by", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("last_used_at", "text")
    .addColumn("revoked_at", "text")
    .addColumn("revoked_by", "text")
    .execute();
  await db.schema
    .createTable("consentry_rate_limits")
    .addColumn("key", "varchar(255)", (c) => c.primaryKey().notNull())
    .addColumn("points", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("expire", "bigint")
    .execute();
}
