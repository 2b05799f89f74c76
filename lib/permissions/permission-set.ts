import "server-only";

import type { Db } from "@/lib/db/database";
import { getLatestPermissionSet, listPermissionSets, savePermissionSet, type PermissionSet, type PermissionSetSource } from "@/lib/db/repositories/permission-sets";
import { getConfig } from "@/lib/config";
import { knownPermission, permissionKey, RESOURCE_KEYS, type PermissionEntry, type PermissionRef } from "@/lib/permissions/catalog";
import { AppError } from "@/lib/errors";

/** Resource order (Graph, Exchange, SharePoint), then value: one canonical order for every version. */
export function sortPermissions<T extends PermissionRef>(list: readonly T[]): T[] {
  const seen = new Map<string, T>();
  for (const p of list) seen.set(permissionKey(p), p);
  return [...seen.values()].sort((a, b) => RESOURCE_KEYS.indexOf(a.resource) - RESOURCE_KEYS.indexOf(b.resource) || a.value.localeCompare(b.value));
}

/** The APP_PERMISSIONS fallback, described from what Consentry knows (no Microsoft texts). */
export function fallbackPermissionEntries(): PermissionEntry[] {
  return sortPermissions(
    getConfig().fallbackPermissions.map((ref) => {
      const known = knownPermission(ref);
      return { ...ref, appRoleId: known?.appRoleId ?? null, displayName: null, description: known?.description ?? null };
    }),
  );
}

function sameContent(set: PermissionSet, permissions: PermissionEntry[], source: PermissionSetSource): boolean {
  const strip = (list: PermissionEntry[]) => JSON.stringify(list.map((p) => [p.resource, p.value, p.appRoleId, p.displayName, p.description]));
  return set.source === source && strip(set.permissions) === strip(permissions);
}

/**
 * Records `permissions` as the newest version unless the newest already holds exactly
 * them. Two instances recording the same change at once end up with one version.
 */
export async function recordPermissionSet(db: Db, permissions: PermissionEntry[], source: PermissionSetSource): Promise<{ set: PermissionSet; created: boolean }> {
  const sorted = sortPermissions(permissions);
  for (let attempt = 0; attempt < 3; attempt++) {
    const latest = await getLatestPermissionSet(db);
    if (latest && sameContent(latest, sorted, source)) return { set: latest, created: false };
    const version = (latest?.version ?? 0) + 1;
    try {
      const set = await savePermissionSet(db, { version, label: `Version ${version}`, permissions: sorted, source });
      if (sameContent(set, sorted, source)) return { set, created: true };
    } catch {
      // Another instance recorded a version with this number first: look again.
    }
  }
  throw new AppError("permission_set_not_saved", "The app's permission set could not be recorded.");
}

/**
 * The permission set in force: the newest version. Before anything was ever recorded
 * (a fresh database whose start-up refresh has not run), the APP_PERMISSIONS fallback.
 */
export async function currentPermissionSet(db: Db): Promise<PermissionSet> {
  const latest = await getLatestPermissionSet(db);
  if (latest) return latest;
  return (await recordPermissionSet(db, fallbackPermissionEntries(), "fallback")).set;
}

/** Permissions `current` has that `consented` lacks: what a re-consent would add. */
export function addedPermissions(consented: PermissionSet | null, current: PermissionSet): PermissionEntry[] {
  if (!consented) return [];
  const had = new Set(consented.permissions.map(permissionKey));
  return current.permissions.filter((p) => !had.has(permissionKey(p)));
}

/** A tenant needs re-consent when it consented to an older version and the current one adds permissions. */
export function needsReconsent(consentedVersion: number | null, sets: ReadonlyMap<number, PermissionSet>, current: PermissionSet): boolean {
  if (consentedVersion === null || consentedVersion >= current.version) return false;
  return addedPermissions(sets.get(consentedVersion) ?? null, current).length > 0;
}

/** Every version by number, for counting tenants that need re-consent. */
export async function permissionSetsByVersion(db: Db): Promise<Map<number, PermissionSet>> {
  return new Map((await listPermissionSets(db, 1000)).map((s) => [s.version, s]));
}
