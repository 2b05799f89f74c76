import "server-only";

import { getConfig, type CloudName } from "@/lib/config";
import { LATEST_VERSION } from "@/lib/db/migrate";

export interface Liveness {
  status: "ok";
  cloud: CloudName;
  /** The engine the settings name and the schema version this code knows; nothing is queried. */
  database: { engine: "sqlite" | "postgres"; schemaVersion: number };
}

/**
 * The process serves requests. Touches no database or network, so a database outage takes
 * an instance out of the load balancer (readiness) without getting it restarted; it keeps
 * answering while the server stops.
 */
export function checkLiveness(): Liveness {
  const config = getConfig();
  return { status: "ok", cloud: config.cloud.name, database: { engine: config.database.engine, schemaVersion: LATEST_VERSION } };
}
