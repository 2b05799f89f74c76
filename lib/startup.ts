import "server-only";

import { ConfigError, getConfig, type Config } from "@/lib/config";
import { getDatabase, type DatabaseHandle } from "@/lib/db/database";
import { isAppError } from "@/lib/errors";

export interface Startable {
  config: Config;
  database: DatabaseHandle;
}

/**
 * Parses the settings and opens (and migrates) the database. With `exitOnFailure`
 * a failure prints one paragraph naming what to fix and exits with status 1; no
 * stack trace, because the problem is the setup, not the code.
 */
export async function assertStartable(options: { exitOnFailure: boolean }): Promise<Startable> {
  try {
    const config = getConfig();
    const database = await getDatabase();
    return { config, database };
  } catch (error) {
    if (!options.exitOnFailure) throw error;
    // A paragraph for the person starting the portal, not a log line: the logger's own settings
    // (LOG_LEVEL, LOG_FORMAT) may be among those that failed, and `npm start` prints it like any CLI.
    console.error(`\n${describeStartupFailure(error)}\n`);
    process.exit(1);
  }
}

export function describeStartupFailure(error: unknown): string {
  if (error instanceof ConfigError) return error.message;
  if (isAppError(error)) return `Consentry cannot start: ${error.message}`;
  const detail = error instanceof Error ? error.message : String(error);
  return `Consentry cannot start: unexpected error: ${detail}`;
}
