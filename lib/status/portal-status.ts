import "server-only";

import { getConfig, type CloudName } from "@/lib/config";
import { getDatabase } from "@/lib/db/database";
import { LATEST_VERSION } from "@/lib/db/migrate";

export interface PortalStatus {
  cloud: CloudName;
  cloudLabel: string;
  database: { engine: "sqlite" | "postgres"; schemaVersion: number };
  clientId: string;
  credential: "secret" | "certificate" | "none";
  openOnboarding: boolean;
}

const CLOUD_LABELS: Record<CloudName, string> = {
  sandbox: "Sandbox cloud (local emulator, no Azure account needed)",
  global: "Microsoft global cloud",
  usgov: "Microsoft US Government (GCC High)",
  "usgov-dod": "Microsoft US Government (DoD)",
  china: "Microsoft Azure operated by 21Vianet (China)",
};

/** What the portal runs on, safe to show anyone: no hosts of the database, no secrets. */
export async function getPortalStatus(): Promise<PortalStatus> {
  const config = getConfig();
  const database = await getDatabase();
  return {
    cloud: config.cloud.name,
    cloudLabel: CLOUD_LABELS[config.cloud.name],
    database: { engine: database.engine, schemaVersion: LATEST_VERSION },
    clientId: config.clientId,
    credential: config.credential?.kind ?? "none",
    openOnboarding: config.openOnboarding,
  };
}
