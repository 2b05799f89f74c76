import "server-only";

import { mkdirSync } from "node:fs";
import path from "node:path";
import SqliteDatabase from "better-sqlite3";
import { Kysely, PostgresDialect, SqliteDialect } from "kysely";
import pg from "pg";

import { getConfig, type DatabaseSettings } from "@/lib/config";
import { AppError } from "@/lib/errors";
import { migrateToLatest } from "@/lib/db/migrate";
import type { Database } from "@/lib/db/schema";

export type Db = Kysely<Database>;
export type Engine = DatabaseSettings["engine"];

export interface DatabaseHandle {
  db: Db;
  engine: Engine;
  /** Where the data lives, safe to print (PostgreSQL password masked). */
  display: string;
  /** PostgreSQL's connection pool, for libraries that keep shared state there (rate limits); null on SQLite. */
  pgPool: pg.Pool | null;
  close(): Promise<void>;
}

// PostgreSQL returns int8 (count(*), sums) as strings; our counts fit a JS number.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number.parseInt(value, 10));

/**
 * Opens the database the settings name and proves it usable (a round trip; for
 * SQLite the pragmas, which need write access). Failures become an AppError whose
 * message says what to fix, never a driver stack.
 */
export async function openDatabase(settings: DatabaseSettings): Promise<DatabaseHandle> {
  return settings.engine === "sqlite" ? openSqlite(settings.path) : openPostgres(settings.url, settings.display);
}

function openSqlite(file: string): DatabaseHandle {
  let native: SqliteDatabase.Database;
  try {
    if (file !== ":memory:") mkdirSync(path.dirname(file), { recursive: true });
    native = new SqliteDatabase(file);
  } catch (error) {
    throw sqliteError(file, error);
  }
  try {
    native.pragma("journal_mode = WAL");
    native.pragma("foreign_keys = ON");
    native.pragma("busy_timeout = 5000");
    native.pragma("synchronous = NORMAL");
    // A write probe: a read-only file or folder fails here, not in the middle of a request.
    native.exec("CREATE TABLE IF NOT EXISTS consentry_write_check (x INTEGER); DROP TABLE consentry_write_check;");
  } catch (error) {
    native.close();
    throw sqliteError(file, error);
  }
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(native) }) });
  return {
    db,
    engine: "sqlite",
    display: file,
    pgPool: null,
    close: () => db.destroy(),
  };
}

/** Statements kept for reuse, and the longest SQL text kept (see withStatementCache). */
const STATEMENT_CACHE_SIZE = 500;
const MAX_CACHED_SQL_LENGTH = 4_096;

/**
 * Kysely prepares every query anew; preparing costs more than running for the short
 * queries the portal makes. Statements are reused per SQL text (the connection runs one
 * query at a time, so a statement is never used twice at once). Long statements are not
 * kept: multi-row writes (a bulk run's results, 400 rows a statement) differ in their row
 * count nearly every time, so keeping them bought no reuse and held their text and compiled
 * program, growing the process with the number of tenants a run had recorded.
 */
function withStatementCache(native: SqliteDatabase.Database): SqliteDatabase.Database {
  const cache = new Map<string, SqliteDatabase.Statement>();
  return new Proxy(native, {
    get(target, property, receiver) {
      if (property === "prepare") {
        return (source: string) => {
          if (source.length > MAX_CACHED_SQL_LENGTH) return target.prepare(source);
          let statement = cache.get(source);
          if (!statement) {
            statement = target.prepare(source);
            if (cache.size >= STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value!);
            cache.set(source, statement);
          }
          return statement;
        };
      }
      const value = Reflect.get(target, property, receiver);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

function sqliteError(file: string, error: unknown): AppError {
  const code = (error as { code?: string }).code ?? "";
  const detail = error instanceof Error ? error.message : String(error);
  const readOnly = /READONLY|CANTOPEN|EACCES|EROFS|EPERM/.test(code) || /readonly|unable to open|permission denied/i.test(detail);
  const message = readOnly
    ? `Cannot write the SQLite database at ${file}: the file or its folder is read-only or cannot be created (${code || detail}). Make the folder writable, set DATA_DIR to a writable folder, or set DATABASE_URL.`
    : `Cannot open the SQLite database at ${file} (${code || "error"}: ${detail}). Check the file is an SQLite database, or set DATABASE_URL to another one.`;
  return new AppError("database_unavailable", message, { cause: error });
}

async function openPostgres(url: string, display: string): Promise<DatabaseHandle> {
  const pool = new pg.Pool({ connectionString: url, max: 10, connectionTimeoutMillis: 5_000, idleTimeoutMillis: 30_000 });
  // An idle client losing its server must not crash the process; the next query reports it.
  pool.on("error", () => {});
  try {
    const client = await pool.connect();
    try {
      await client.query("select 1");
    } finally {
      client.release();
    }
  } catch (error) {
    await pool.end().catch(() => {});
    throw postgresError(display, error);
  }
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return { db, engine: "postgres", display, pgPool: pool, close: () => db.destroy() };
}

function postgresError(display: string, error: unknown): AppError {
  const code = (error as { code?: string }).code ?? "";
  const detail = error instanceof Error ? error.message : String(error);
  let hint: string;
  switch (code) {
    case "ECONNREFUSED":
      hint = "nothing is listening there. Is the PostgreSQL server running, and are host and port right?";
      break;
    case "ENOTFOUND":
    case "EAI_AGAIN":
      hint = "the host name does not resolve.";
      break;
    case "ETIMEDOUT":
      hint = "the connection timed out (firewall, or the wrong host).";
      break;
    case "28P01":
    case "28000":
      hint = "the server refused the user name or password.";
      break;
    case "3D000":
      hint = "the database does not exist; create it first (createdb).";
      break;
    default:
      hint = `${code ? `${code}: ` : ""}${detail}`;
  }
  return new AppError("database_unavailable", `Cannot connect to PostgreSQL at ${display}: ${hint} Check DATABASE_URL.`, { cause: error });
}

const globalForDb = globalThis as unknown as { consentryDb?: Promise<DatabaseHandle> };

/**
 * The process's database, opened and migrated on first use. Cached on globalThis so
 * dev hot reloads reuse one pool; a failed open is not cached, so the next call retries.
 */
export function getDatabase(): Promise<DatabaseHandle> {
  if (!globalForDb.consentryDb) {
    const opening = (async () => {
      const handle = await openDatabase(getConfig().database);
      try {
        await migrateToLatest(handle.db, handle.engine);
      } catch (error) {
        await handle.close();
        throw error;
      }
      return handle;
    })();
    globalForDb.consentryDb = opening;
    opening.catch(() => {
      if (globalForDb.consentryDb === opening) delete globalForDb.consentryDb;
    });
  }
  return globalForDb.consentryDb;
}

/**
 * The way to the process's database for everything that only queries it (pages, actions, API, lib);
 * `getDatabase()` is for the few that need the handle itself (start-up, health, the PostgreSQL pool).
 */
export async function getDb(): Promise<Db> {
  return (await getDatabase()).db;
}
