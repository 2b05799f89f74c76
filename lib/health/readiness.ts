import "server-only";

import { sql } from "kysely";

import { getConfig, type ClientCredential } from "@/lib/config";
import { getDb, type Db } from "@/lib/db/database";
import { MIGRATIONS, type Migration } from "@/lib/db/migrate";
import { logger } from "@/lib/log/logger";

/** Set by scripts/lib/portal-server.mjs (graceful-shutdown.mjs) on SIGINT/SIGTERM. */
const SHUTTING_DOWN = Symbol.for("consentry.shutting-down");

export const READINESS_CHECKS = ["database", "migrations", "credential", "shutdown"] as const;
export type ReadinessCheckName = (typeof READINESS_CHECKS)[number];

export interface ReadinessCheck {
  ok: boolean;
  /** Safe for anyone to read: no hosts, no secrets. */
  message: string;
}

export interface ReadinessReport {
  status: "ready" | "not_ready";
  /** The names of the checks that failed, in check order. */
  failing: ReadinessCheckName[];
  checks: Record<ReadinessCheckName, ReadinessCheck>;
}

export interface ReadinessDeps {
  db: () => Promise<Db>;
  credential: () => ClientCredential | null;
  shuttingDown: () => boolean;
  migrations: readonly Migration[];
  /** How long the database may take to answer both queries. */
  timeoutMs: number;
  log: (message: string) => void;
}

const defaultDeps: ReadinessDeps = {
  db: getDb,
  credential: () => getConfig().credential,
  shuttingDown: () => (globalThis as Record<symbol, unknown>)[SHUTTING_DOWN] === true,
  migrations: MIGRATIONS,
  timeoutMs: 3_000,
  log: (message) => logger("health").error(message),
};

/**
 * Whether this instance should be sent work: the database answers, its schema is exactly
 * the migrations this code knows, the app's credential is loaded, and the server is not
 * stopping. Liveness (`/api/health`) is separate: a failing database must not get a
 * serving process restarted, only taken out of the load balancer.
 */
export async function checkReadiness(overrides: Partial<ReadinessDeps> = {}): Promise<ReadinessReport> {
  const deps = { ...defaultDeps, ...overrides };
  const [database, migrations] = await checkDatabase(deps);
  const checks: Record<ReadinessCheckName, ReadinessCheck> = {
    database,
    migrations,
    credential: checkCredential(deps.credential()),
    shutdown: deps.shuttingDown() ? { ok: false, message: "The server is stopping (SIGTERM or SIGINT received)." } : { ok: true, message: "Running." },
  };
  const failing = READINESS_CHECKS.filter((name) => !checks[name].ok);
  return { status: failing.length ? "not_ready" : "ready", failing, checks };
}

async function checkDatabase(deps: ReadinessDeps): Promise<[ReadinessCheck, ReadinessCheck]> {
  const unchecked: ReadinessCheck = { ok: false, message: "Not checked: the database did not answer." };
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<"timeout">((resolve) => (timer = setTimeout(() => resolve("timeout"), deps.timeoutMs)));
  const query = async () => {
    const db = await deps.db();
    await sql`select 1`.execute(db);
    const applied = await db
      .selectFrom("consentry_migrations")
      .select("version")
      .execute()
      .then((rows) => rows.map((r) => r.version))
      .catch(() => [] as number[]); // no table yet: nothing applied
    return applied;
  };
  try {
    const applied = await Promise.race([query(), timeout]);
    if (applied === "timeout") {
      deps.log(`the database did not answer within ${deps.timeoutMs} ms`);
      return [{ ok: false, message: `The database did not answer within ${deps.timeoutMs} ms.` }, unchecked];
    }
    return [{ ok: true, message: "The database answers." }, compareMigrations(applied, deps.migrations)];
  } catch (error) {
    deps.log(`the database query failed: ${error instanceof Error ? error.message : String(error)}`);
    return [{ ok: false, message: "The database query failed (the server log says why)." }, unchecked];
  } finally {
    clearTimeout(timer);
  }
}

function compareMigrations(applied: number[], known: readonly Migration[]): ReadinessCheck {
  const done = new Set(applied);
  const knownVersions = new Set(known.map((m) => m.version));
  const missing = known.filter((m) => !done.has(m.version)).map((m) => `${String(m.version).padStart(4, "0")}-${m.name}`);
  const unknown = applied.filter((v) => !knownVersions.has(v)).sort((a, b) => a - b);
  if (missing.length) return { ok: false, message: `Migrations not applied: ${missing.join(", ")} (npm run db:migrate applies them).` };
  if (unknown.length) return { ok: false, message: `The database has migrations this version does not know (${unknown.join(", ")}): it is newer than the code.` };
  return { ok: true, message: `All ${known.length} migrations are applied.` };
}

function checkCredential(credential: ClientCredential | null): ReadinessCheck {
  if (!credential) return { ok: false, message: "No app credential is loaded: set AZURE_CLIENT_CERTIFICATE_PATH or AZURE_CLIENT_SECRET." };
  return { ok: true, message: credential.kind === "certificate" ? "A certificate is loaded." : "A client secret is loaded." };
}
