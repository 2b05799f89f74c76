import "server-only";

import { sql, type Kysely, type Transaction } from "kysely";

import { AppError } from "@/lib/errors";
import * as m0001 from "@/lib/db/migrations/0001-initial";
import * as m0002 from "@/lib/db/migrations/0002-consent-attempts";
import * as m0003 from "@/lib/db/migrations/0003-consent-binding";
import * as m0004 from "@/lib/db/migrations/0004-permission-sources";
import * as m0005 from "@/lib/db/migrations/0005-api-keys";
import * as m0006 from "@/lib/db/migrations/0006-webhooks";
import * as m0007 from "@/lib/db/migrations/0007-schedules";
import * as m0008 from "@/lib/db/migrations/0008-campaigns";
import * as m0009 from "@/lib/db/migrations/0009-last-check-status";
import * as m0010 from "@/lib/db/migrations/0010-bulk-heartbeats";
import * as m0011 from "@/lib/db/migrations/0011-list-order-indexes";
import type { Database } from "@/lib/db/schema";

/* eslint-disable @typescript-eslint/no-explicit-any -- migrations run against the schema as it was, not today's types */
export interface Migration {
  version: number;
  name: string;
  up(db: Kysely<any>): Promise<void>;
}

/** Every migration, in order. Append only; never edit one that has shipped. */
export const MIGRATIONS: readonly Migration[] = [
  { version: 1, name: "initial", up: m0001.up },
  { version: 2, name: "consent-attempts", up: m0002.up },
  { version: 3, name: "consent-binding", up: m0003.up },
  { version: 4, name: "permission-sources", up: m0004.up },
  { version: 5, name: "api-keys", up: m0005.up },
  { version: 6, name: "webhooks", up: m0006.up },
  { version: 7, name: "schedules", up: m0007.up },
  { version: 8, name: "campaigns", up: m0008.up },
  { version: 9, name: "last-check-status", up: m0009.up },
  { version: 10, name: "bulk-heartbeats", up: m0010.up },
  { version: 11, name: "list-order-indexes", up: m0011.up },
];

export const LATEST_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;

/** Arbitrary constant key for pg_advisory_xact_lock, so instances migrate one at a time. */
const PG_MIGRATION_LOCK = 0x436f6e73; // "Cons"

export interface MigrationReport {
  from: number;
  to: number;
  applied: string[];
}

/**
 * Applies every pending migration in one transaction, so a failure leaves the schema
 * exactly as it was. Concurrent callers (several portal instances on one PostgreSQL,
 * or two processes on one SQLite file) are serialised by a lock and see each other's
 * work instead of applying a migration twice.
 */
export async function migrateToLatest(
  db: Kysely<Database>,
  engine: "sqlite" | "postgres",
  migrations: readonly Migration[] = MIGRATIONS,
): Promise<MigrationReport> {
  const latest = migrations.length ? migrations[migrations.length - 1]!.version : 0;
  // Runs under the lock: concurrent "create table if not exists" races on PostgreSQL's catalog.
  const run = async (trx: Kysely<Database>): Promise<MigrationReport> => {
    await trx.schema
      .createTable("consentry_migrations")
      .ifNotExists()
      .addColumn("version", "integer", (c) => c.primaryKey().notNull())
      .addColumn("name", "text", (c) => c.notNull())
      .addColumn("applied_at", "text", (c) => c.notNull())
      .execute();
    const rows = await trx.selectFrom("consentry_migrations").select("version").orderBy("version").execute();
    const done = new Set(rows.map((r) => r.version));
    const from = rows.length ? rows[rows.length - 1]!.version : 0;
    if (from > latest) {
      throw new AppError(
        "database_too_new",
        `The database schema is at version ${from}, newer than this Consentry knows (${latest}). Upgrade Consentry or point DATABASE_URL at another database.`,
        { cause: { expected: latest, actual: from } },
      );
    }
    const applied: string[] = [];
    for (const migration of migrations) {
      if (done.has(migration.version)) continue;
      await migration.up(trx);
      await trx
        .insertInto("consentry_migrations")
        .values({ version: migration.version, name: migration.name, applied_at: new Date().toISOString() })
        .execute();
      applied.push(`${String(migration.version).padStart(4, "0")}-${migration.name}`);
    }
    return { from, to: Math.max(from, latest), applied };
  };

  try {
    if (engine === "postgres") {
      return await db.transaction().execute(async (trx: Transaction<Database>) => {
        await sql`select pg_advisory_xact_lock(${PG_MIGRATION_LOCK})`.execute(trx);
        return run(trx);
      });
    }
    // SQLite: BEGIN IMMEDIATE takes the write lock before reading the applied versions.
    return await db.connection().execute(async (conn) => {
      await sql`begin immediate`.execute(conn);
      try {
        const report = await run(conn);
        await sql`commit`.execute(conn);
        return report;
      } catch (error) {
        await sql`rollback`.execute(conn);
        throw error;
      }
    });
  } catch (error) {
    if (error instanceof AppError) throw error;
    const detail = error instanceof Error ? error.message : String(error);
    throw new AppError("migration_failed", `Updating the database schema failed and was rolled back; nothing was changed. Cause: ${detail}`, { cause: error });
  }
}
