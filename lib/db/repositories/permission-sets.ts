import "server-only";

import { z } from "zod";

import type { Db } from "@/lib/db/database";
import { fromJson, nowIso } from "@/lib/db/repositories/json";
import type { PermissionEntry } from "@/lib/permissions/catalog";
import { AppError } from "@/lib/errors";

/** One permission of a version; rows written before migration 0004 hold `{resource, permission}` only. */
export const permissionEntrySchema = z
  .union([
    z.object({
      resource: z.enum(["graph", "exchange", "sharepoint"]),
      value: z.string().min(1),
      appRoleId: z.string().nullable(),
      displayName: z.string().nullable(),
      description: z.string().nullable(),
    }),
    z.object({ resource: z.enum(["graph", "exchange", "sharepoint"]), permission: z.string().min(1) }).transform((old) => ({
      resource: old.resource,
      value: old.permission,
      appRoleId: null,
      displayName: null,
      description: null,
    })),
  ])
  .transform((p): PermissionEntry => p);

/** Where a version's permissions came from. */
export type PermissionSetSource = "registration" | "fallback" | "settings";

export interface PermissionSet {
  version: number;
  label: string;
  source: PermissionSetSource;
  permissions: PermissionEntry[];
  createdAt: string;
}

export type NewPermissionSet = Omit<PermissionSet, "createdAt" | "source"> & { source?: PermissionSetSource };

function canonical(permissions: PermissionEntry[]): string {
  return JSON.stringify(
    permissions.map((p) => {
      const e = permissionEntrySchema.parse(p);
      return { resource: e.resource, value: e.value, appRoleId: e.appRoleId, displayName: e.displayName, description: e.description };
    }),
  );
}

/**
 * Records a version of the app's permissions. Versions are immutable: saving an
 * existing version with different permissions is refused.
 */
export async function savePermissionSet(db: Db, set: NewPermissionSet, now?: Date): Promise<PermissionSet> {
  const permissions = canonical(set.permissions);
  await db
    .insertInto("permission_sets")
    .values({ version: set.version, label: set.label, permissions, source: set.source ?? "settings", created_at: nowIso(now) })
    .onConflict((oc) => oc.column("version").doNothing())
    .execute();
  const stored = await getPermissionSet(db, set.version);
  if (!stored) throw new AppError("permission_set_not_saved", `Permission set ${set.version} was not saved.`);
  if (canonical(stored.permissions) !== permissions) {
    throw new AppError("permission_set_conflict", `Permission set version ${set.version} already exists with other permissions; add a new version instead.`);
  }
  return stored;
}

function toSet(row: { version: number; label: string; permissions: string; source: string; created_at: string }): PermissionSet {
  return {
    version: row.version,
    label: row.label,
    source: row.source === "registration" || row.source === "fallback" ? row.source : "settings",
    permissions: fromJson(row.permissions, z.array(permissionEntrySchema), "permission_sets.permissions") ?? [],
    createdAt: row.created_at,
  };
}

export async function getPermissionSet(db: Db, version: number): Promise<PermissionSet | null> {
  const row = await db.selectFrom("permission_sets").selectAll().where("version", "=", version).executeTakeFirst();
  return row ? toSet(row) : null;
}

export async function getLatestPermissionSet(db: Db): Promise<PermissionSet | null> {
  const row = await db.selectFrom("permission_sets").selectAll().orderBy("version", "desc").limit(1).executeTakeFirst();
  return row ? toSet(row) : null;
}

/** Every version, newest first (a handful: one per change of the app registration). */
export async function listPermissionSets(db: Db, limit = 100): Promise<PermissionSet[]> {
  const rows = await db.selectFrom("permission_sets").selectAll().orderBy("version", "desc").limit(limit).execute();
  return rows.map(toSet);
}
