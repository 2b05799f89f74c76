import "server-only";

import { z } from "zod";

import type { Db } from "@/lib/db/database";
import { fromJson, nowIso } from "@/lib/db/repositories/json";

export const configuredPermissionSchema = z.object({ resource: z.string().min(1), permission: z.string().min(1) });
export type ConfiguredPermission = z.infer<typeof configuredPermissionSchema>;

export interface PermissionSet {
  version: number;
  label: string;
  permissions: ConfiguredPermission[];
  createdAt: string;
}

/**
 * Records a version of the app's configured permissions. Versions are immutable:
 * saving an existing version with different permissions is refused.
 */
export async function savePermissionSet(db: Db, set: Omit<PermissionSet, "createdAt">, now?: Date): Promise<PermissionSet> {
  const permissions = JSON.stringify(set.permissions.map((p) => configuredPermissionSchema.parse(p)));
  await db
    .insertInto("permission_sets")
    .values({ version: set.version, label: set.label, permissions, created_at: nowIso(now) })
    .onConflict((oc) => oc.column("version").doNothing())
    .execute();
  const stored = await getPermissionSet(db, set.version);
  if (!stored) throw new Error(`Permission set ${set.version} was not saved.`);
  if (JSON.stringify(stored.permissions) !== permissions) {
    throw new Error(`Permission set version ${set.version} already exists with other permissions; add a new version instead.`);
  }
  return stored;
}

export async function getPermissionSet(db: Db, version: number): Promise<PermissionSet | null> {
  const row = await db.selectFrom("permission_sets").selectAll().where("version", "=", version).executeTakeFirst();
  if (!row) return null;
  return {
    version: row.version,
    label: row.label,
    permissions: fromJson(row.permissions, z.array(configuredPermissionSchema), "permission_sets.permissions") ?? [],
    createdAt: row.created_at,
  };
}

export async function getLatestPermissionSet(db: Db): Promise<PermissionSet | null> {
  const row = await db.selectFrom("permission_sets").select("version").orderBy("version", "desc").limit(1).executeTakeFirst();
  return row ? getPermissionSet(db, row.version) : null;
}
