import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { sql, type Kysely } from "kysely";
import { afterEach, describe, expect, it } from "vitest";

import { LATEST_VERSION, MIGRATIONS, migrateToLatest, type Migration } from "@/lib/db/migrate";
import { createEmptyTestDatabase, ENGINES, type TestDatabase } from "../../support/databases";
import { runScript } from "../../support/run-script";

interface ColumnShape {
  table: string;
  column: string;
  type: string;
  nullable: boolean;
}

/** Tables and columns with engine type names folded to the portable ones we declare. */
async function schemaOf(database: TestDatabase): Promise<ColumnShape[]> {
  const tables = await database.db.introspection.getTables();
  return tables
    .flatMap((t) =>
      t.columns.map((c) => ({
        table: t.name,
        column: c.name,
        type: /int/i.test(c.dataType) ? "integer" : /text|char/i.test(c.dataType) ? "text" : c.dataType.toLowerCase(),
        nullable: c.isNullable,
      })),
    )
    .sort((a, b) => `${a.table}.${a.column}`.localeCompare(`${b.table}.${b.column}`));
}

async function indexesOf(database: TestDatabase): Promise<string[]> {
  if (database.engine === "sqlite") {
    const rows = await sql<{ name: string }>`select name from sqlite_master where type = 'index' and name not like 'sqlite_%'`.execute(database.db);
    return rows.rows.map((r) => r.name).sort();
  }
  const rows = await sql<{ name: string }>`select indexname as name from pg_indexes where schemaname = 'public' and indexname not like '%_pkey' and indexname not like '%_key' and indexname not like '%_pk'`.execute(database.db);
  return rows.rows.map((r) => r.name).sort();
}

const opened: TestDatabase[] = [];
async function fresh(engine: (typeof ENGINES)[number]) {
  const database = await createEmptyTestDatabase(engine);
  opened.push(database);
  return database;
}
afterEach(async () => {
  await Promise.all(opened.splice(0).map((d) => d.dispose()));
});

describe("migrations produce the same schema on SQLite and PostgreSQL", () => {
  it("same tables, columns, types, nullability and indexes", async () => {
    const [sqlite, postgres] = await Promise.all([fresh("sqlite"), fresh("postgres")]);
    await migrateToLatest(sqlite.db, "sqlite");
    await migrateToLatest(postgres.db, "postgres");
    const [a, b] = await Promise.all([schemaOf(sqlite), schemaOf(postgres)]);
    expect(a.length).toBeGreaterThan(50);
    expect(b).toEqual(a);
    expect(await indexesOf(postgres)).toEqual(await indexesOf(sqlite));
    expect(await indexesOf(sqlite)).toContain("invites_tenant_id_idx");
  });
});

describe.each(ENGINES)("migrations on %s", (engine) => {
  it("applies every migration once and records it; a second run is a no-op", async () => {
    const database = await fresh(engine);
    const first = await migrateToLatest(database.db, engine);
    expect(first).toEqual({ from: 0, to: LATEST_VERSION, applied: MIGRATIONS.map((m) => `${String(m.version).padStart(4, "0")}-${m.name}`) });
    const second = await migrateToLatest(database.db, engine);
    expect(second).toEqual({ from: LATEST_VERSION, to: LATEST_VERSION, applied: [] });
    const rows = await database.db.selectFrom("consentry_migrations").select(["version", "name"]).execute();
    expect(rows.map((r) => r.version)).toEqual(MIGRATIONS.map((m) => m.version));
  });

  it("two processes migrating at once apply each migration exactly once", async () => {
    const database = await fresh(engine);
    // DATA_DIR is a fresh folder: the database's location is not a folder on PostgreSQL.
    const env = { DATABASE_URL: database.url, DATA_DIR: mkdtempSync(path.join(os.tmpdir(), "consentry-migrate-")) };
    const results = await Promise.all([runScript("scripts/db-migrate.ts", env), runScript("scripts/db-migrate.ts", env)]);
    for (const result of results) expect(result, result.stderr).toMatchObject({ code: 0 });
    const output = results.map((r) => r.stdout).join("");
    expect(output.match(/migrated from version 0/g)).toHaveLength(1);
    expect(output.match(/is up to date/g)).toHaveLength(1);
    const rows = await database.db.selectFrom("consentry_migrations").select("version").execute();
    expect(rows.map((r) => r.version)).toEqual(MIGRATIONS.map((m) => m.version));
  });

  it("rolls back every step of a failed run, leaving nothing half-migrated", async () => {
    const database = await fresh(engine);
    const broken: Migration[] = [
      ...MIGRATIONS,
      {
        version: 900,
        name: "broken",
        async up(db: Kysely<any>) {
          await db.schema.createTable("half_done").addColumn("id", "text").execute();
          await sql`select * from table_that_does_not_exist`.execute(db);
        },
      },
    ];
    await expect(migrateToLatest(database.db, engine, broken)).rejects.toMatchObject({
      code: "migration_failed",
      message: expect.stringMatching(/rolled back; nothing was changed/),
    });
    const tables = (await database.db.introspection.getTables()).map((t) => t.name);
    expect(tables).not.toContain("half_done");
    expect(tables).not.toContain("tenants");
    expect(tables).not.toContain("consentry_migrations");

    // The same database then migrates cleanly with the real list.
    await migrateToLatest(database.db, engine);
    expect((await database.db.introspection.getTables()).map((t) => t.name)).toContain("tenants");
  });

  it("fills each tenant's last check status and start from its last run when adding the columns (migrations 9 and 11)", async () => {
    const database = await fresh(engine);
    await migrateToLatest(database.db, engine, MIGRATIONS.filter((m) => m.version < 9));
    const db = database.db as unknown as Kysely<any>;
    const at = "2026-11-01T00:00:00.000Z";
    const tenant = (id: string, run: string | null) => ({ id, display_name: id, status: "consented", roles: "[]", last_probe_run_id: run, created_at: at, updated_at: at });
    await db.insertInto("tenants").values([tenant("t-passed", "r-1"), tenant("t-failed", "r-2"), tenant("t-never", null)]).execute();
    const run = (id: string, tenantId: string, status: string, startedAt: string) => ({ id, tenant_id: tenantId, trigger: "manual", iterations: 1, status, started_at: startedAt, finished_at: startedAt });
    await db
      .insertInto("probe_runs")
      .values([run("r-1", "t-passed", "passed", "2026-11-03T00:00:00.000Z"), run("r-2", "t-failed", "failed", "2026-11-02T00:00:00.000Z"), run("r-0", "t-failed", "passed", "2026-11-04T00:00:00.000Z")])
      .execute();
    await migrateToLatest(database.db, engine);
    const rows = await db.selectFrom("tenants").select(["id", "last_check_status", "last_check_at"]).orderBy("id").execute();
    expect(rows).toEqual([
      // The run the tenant names, not its newest.
      { id: "t-failed", last_check_status: "failed", last_check_at: "2026-11-02T00:00:00.000Z" },
      { id: "t-never", last_check_status: null, last_check_at: null },
      { id: "t-passed", last_check_status: "passed", last_check_at: "2026-11-03T00:00:00.000Z" },
    ]);
  });

  it("refuses a database whose schema is newer than this version", async () => {
    const database = await fresh(engine);
    await migrateToLatest(database.db, engine);
    await database.db.insertInto("consentry_migrations").values({ version: LATEST_VERSION + 1, name: "future", applied_at: new Date().toISOString() }).execute();
    await expect(migrateToLatest(database.db, engine)).rejects.toMatchObject({ code: "database_too_new" });
  });
});
