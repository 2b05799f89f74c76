import net from "node:net";
import { Kysely, PostgresDialect } from "kysely";
import pg from "pg";
import { afterEach, describe, expect, it } from "vitest";

import type { ClientCredential } from "@/lib/config";
import type { Database } from "@/lib/db/schema";
import { MIGRATIONS, migrateToLatest } from "@/lib/db/migrate";
import { checkReadiness, type ReadinessDeps } from "@/lib/health/readiness";
import { createEmptyTestDatabase, createTestDatabase, ENGINES, type TestDatabase } from "../../support/databases";

const SECRET_VALUE = "s3cr3t~value.for.readiness";
const SECRET: ClientCredential = { kind: "secret", secret: SECRET_VALUE };
const SHUTTING_DOWN = Symbol.for("consentry.shutting-down");

const open: TestDatabase[] = [];
afterEach(async () => {
  delete (globalThis as Record<symbol, unknown>)[SHUTTING_DOWN];
  await Promise.all(open.splice(0).map((d) => d.dispose()));
});

async function database(engine: (typeof ENGINES)[number], migrated = true): Promise<TestDatabase> {
  const handle = migrated ? await createTestDatabase(engine) : await createEmptyTestDatabase(engine);
  open.push(handle);
  return handle;
}

function deps(handle: TestDatabase, overrides: Partial<ReadinessDeps> = {}): Partial<ReadinessDeps> & { logged: string[] } {
  const logged: string[] = [];
  return { db: async () => handle.db, credential: () => SECRET, shuttingDown: () => false, log: (m) => logged.push(m), logged, ...overrides };
}

describe.each(ENGINES)("readiness on %s", (engine) => {
  it("is ready when the database answers, every migration is applied and a credential is loaded", async () => {
    const report = await checkReadiness(deps(await database(engine)));
    expect(report).toMatchObject({ status: "ready", failing: [] });
    expect(report.checks.migrations.message).toBe(`All ${MIGRATIONS.length} migrations are applied.`);
  });

  it("names the migrations not yet applied", async () => {
    const handle = await database(engine, false);
    await migrateToLatest(handle.db, handle.engine, MIGRATIONS.slice(0, -2));
    const report = await checkReadiness(deps(handle));
    expect(report.failing).toEqual(["migrations"]);
    const [a, b] = MIGRATIONS.slice(-2).map((m) => `${String(m.version).padStart(4, "0")}-${m.name}`);
    expect(report.checks.migrations.message).toBe(`Migrations not applied: ${a}, ${b} (npm run db:migrate applies them).`);
  });

  it("counts a database with no migrations table as missing every migration", async () => {
    const report = await checkReadiness(deps(await database(engine, false)));
    expect(report.failing).toEqual(["migrations"]);
    expect(report.checks.migrations.message).toMatch(/^Migrations not applied: 0001-initial, 0002-/);
  });

  it("says when the database is newer than the code", async () => {
    const handle = await database(engine);
    await handle.db.insertInto("consentry_migrations").values({ version: 99, name: "from-the-future", applied_at: new Date().toISOString() }).execute();
    const report = await checkReadiness(deps(handle));
    expect(report.failing).toEqual(["migrations"]);
    expect(report.checks.migrations.message).toBe("The database has migrations this version does not know (99): it is newer than the code.");
  });

  it("fails the database check, without the driver's words, when the connection is gone", async () => {
    const handle = await database(engine);
    await handle.close();
    const d = deps(handle);
    const report = await checkReadiness(d);
    expect(report.failing).toEqual(["database", "migrations"]);
    expect(report.checks.database.message).toBe("The database query failed (the server log says why).");
    expect(report.checks.migrations.message).toBe("Not checked: the database did not answer.");
    expect(d.logged.join("\n")).toMatch(/the database query failed: .+/);
  });
});

describe("readiness", () => {
  it("fails the database check within its bound when PostgreSQL accepts but never answers", async () => {
    const sockets: net.Socket[] = [];
    const silent = net.createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const { port } = silent.address() as net.AddressInfo;
    const pool = new pg.Pool({ connectionString: `postgres://consentry:hidden-password@127.0.0.1:${port}/consentry` });
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    const logged: string[] = [];
    try {
      const started = Date.now();
      const report = await checkReadiness({ db: async () => db, credential: () => SECRET, shuttingDown: () => false, timeoutMs: 300, log: (m) => logged.push(m) });
      expect(Date.now() - started).toBeLessThan(2_000);
      expect(report.failing).toEqual(["database", "migrations"]);
      expect(report.checks.database.message).toBe("The database did not answer within 300 ms.");
      expect(JSON.stringify(report)).not.toContain("hidden-password");
      expect(JSON.stringify(report)).not.toContain(String(port));
    } finally {
      for (const socket of sockets) socket.destroy();
      silent.close();
      await db.destroy().catch(() => {});
    }
  });

  it("fails the credential check when no secret or certificate is loaded", async () => {
    const report = await checkReadiness(deps(await database("sqlite"), { credential: () => null }));
    expect(report.failing).toEqual(["credential"]);
    expect(report.checks.credential.message).toBe("No app credential is loaded: set AZURE_CLIENT_CERTIFICATE_PATH or AZURE_CLIENT_SECRET.");
  });

  it("is not ready once the server has received SIGTERM (the flag portal-server.mjs sets)", async () => {
    const handle = await database("sqlite");
    const { shuttingDown: _, ...withoutFlag } = deps(handle);
    expect((await checkReadiness(withoutFlag)).status).toBe("ready");
    (globalThis as Record<symbol, unknown>)[SHUTTING_DOWN] = true;
    const report = await checkReadiness(withoutFlag);
    expect(report).toMatchObject({ status: "not_ready", failing: ["shutdown"] });
    expect(report.checks.shutdown.message).toBe("The server is stopping (SIGTERM or SIGINT received).");
  });

  it("reports no secret in any check", async () => {
    const report = await checkReadiness(deps(await database("sqlite")));
    expect(report.checks.credential).toEqual({ ok: true, message: "A client secret is loaded." });
    expect(JSON.stringify(report)).not.toContain(SECRET_VALUE);
  });
});
