import "server-only";

import { getConfig } from "@/lib/config";
import type { Db } from "@/lib/db/database";
import { getLatestPermissionSet, savePermissionSet, type PermissionSet } from "@/lib/db/repositories/permission-sets";
import { findPermission, type PermissionInfo } from "@/lib/permissions/catalog";

/**
 * The permission set the app is configured with now, recorded as a new version when
 * the configuration changed, so every invite and tenant knows which set it consented to.
 */
export async function currentPermissionSet(db: Db): Promise<PermissionSet> {
  const configured = getConfig()
    .appPermissions.map((name) => findPermission(name)!)
    .map((p) => ({ resource: p.resource, permission: p.name }));
  const latest = await getLatestPermissionSet(db);
  if (latest && JSON.stringify(latest.permissions) === JSON.stringify(configured)) return latest;
  const version = (latest?.version ?? 0) + 1;
  try {
    return await savePermissionSet(db, { version, label: `Version ${version}`, permissions: configured });
  } catch {
    // Another instance recorded the same change first.
    const again = await getLatestPermissionSet(db);
    if (again && JSON.stringify(again.permissions) === JSON.stringify(configured)) return again;
    throw new Error("The configured permission set could not be recorded.");
  }
}

export function describePermissions(set: PermissionSet): PermissionInfo[] {
  return set.permissions.map((p) => findPermission(p.permission)).filter((p): p is PermissionInfo => p !== null);
}
