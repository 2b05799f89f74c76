import type { Kysely } from "kysely";

/**
 * Permission-set versions say where they came from: the app registration as read from
 * Graph, or the APP_PERMISSIONS fallback ("settings", as every version before this one).
 * Their permissions JSON now also holds each app role's id, display name and description.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations must not depend on today's table types
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("permission_sets").addColumn("source", "text", (c) => c.notNull().defaultTo("settings")).execute();
}
