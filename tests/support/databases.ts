import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { inject } from "vitest";

import { openDatabase, type DatabaseHandle, type Engine } from "@/lib/db/database";
import { migrateToLatest } from "@/lib/db/migrate";
import { assertLocalUrl } from "./network-guard";
import { createScratchDatabase } from "./postgres-server";

export const ENGINES: Engine[] = ["sqlite", "postgres"];

export interface TestDatabase extends DatabaseHandle {
  /** The DATABASE_URL a child process would use to open this database. */
  url: string;
  /** Opens a second, independent handle on the same database (a second portal instance). */
  reopen(): Promise<DatabaseHandle>;
  /** Closes every handle and deletes the data. */
  dispose(): Promise<void>;
}

/** A fresh, empty database on the given engine: a temp SQLite file, or a new database on the test PostgreSQL. */
export async function createEmptyTestDatabase(engine: Engine): Promise<TestDatabase> {
  let settings: Parameters<typeof openDatabase>[0];
  let cleanup = () => {};
  let url: string;
  if (engine === "sqlite") {
    const dir = mkdtempSync(path.join(os.tmpdir(), "consentry-sqlite-"));
    settings = { engine: "sqlite", path: path.join(dir, "test.sqlite") };
    url = `file:${settings.path}`;
    cleanup = () => rmSync(dir, { recursive: true, force: true });
  } else {
    const serverUrl = inject("postgresUrl");
    assertLocalUrl(serverUrl);
    url = await createScratchDatabase(serverUrl);
    settings = { engine: "postgres", url, display: url };
  }
  const handles: DatabaseHandle[] = [];
  const first = await openDatabase(settings);
  handles.push(first);
  return {
    ...first,
    url,
    async reopen() {
      const handle = await openDatabase(settings);
      handles.push(handle);
      return handle;
    },
    async dispose() {
      await Promise.all(handles.map((h) => h.close().catch(() => {})));
      cleanup();
    },
  };
}

/** A fresh database with the current schema. */
export async function createTestDatabase(engine: Engine): Promise<TestDatabase> {
  const database = await createEmptyTestDatabase(engine);
  await migrateToLatest(database.db, database.engine);
  return database;
}
