import "server-only";

import type { Db } from "@/lib/db/database";
import { nowIso } from "@/lib/db/repositories/json";
import type { ApiKeyRow } from "@/lib/db/schema";

/** An API key as the portal shows it: never the key, never its hash. */
export interface ApiKey {
  id: string;
  name: string;
  role: string;
  prefix: string;
  createdBy: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
  revokedBy: string | null;
}

function toApiKey(row: ApiKeyRow): ApiKey {
  return {
    id: row.id,
    name: row.name,
    role: row.role,
    prefix: row.prefix,
    createdBy: row.created_by,
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
    revokedAt: row.revoked_at,
    revokedBy: row.revoked_by,
  };
}

export async function insertApiKey(db: Db, key: { id: string; name: string; role: string; prefix: string; keyHash: string; createdBy: string }, now?: Date): Promise<ApiKey> {
  const row: ApiKeyRow = { id: key.id, name: key.name, role: key.role, prefix: key.prefix, key_hash: key.keyHash, created_by: key.createdBy, created_at: nowIso(now), last_used_at: null, revoked_at: null, revoked_by: null };
  await db.insertInto("api_keys").values(row).execute();
  return toApiKey(row);
}

/** The unrevoked key with this hash, if any. */
export async function findActiveApiKeyByHash(db: Db, keyHash: string): Promise<ApiKey | null> {
  const row = await db.selectFrom("api_keys").selectAll().where("key_hash", "=", keyHash).where("revoked_at", "is", null).executeTakeFirst();
  return row ? toApiKey(row) : null;
}

export async function getApiKey(db: Db, id: string): Promise<ApiKey | null> {
  const row = await db.selectFrom("api_keys").selectAll().where("id", "=", id).executeTakeFirst();
  return row ? toApiKey(row) : null;
}

export async function listApiKeys(db: Db): Promise<ApiKey[]> {
  return (await db.selectFrom("api_keys").selectAll().orderBy("created_at", "desc").execute()).map(toApiKey);
}

/** Records a use; at most once a minute per key, so a busy script does not write on every call. */
export async function touchApiKey(db: Db, id: string, now: Date = new Date()): Promise<void> {
  const minuteAgo = new Date(now.getTime() - 60_000).toISOString();
  await db
    .updateTable("api_keys")
    .set({ last_used_at: now.toISOString() })
    .where("id", "=", id)
    .where((eb) => eb.or([eb("last_used_at", "is", null), eb("last_used_at", "<", minuteAgo)]))
    .execute();
}

/** Revokes a key once; false when there is no such key or it was revoked already. */
export async function revokeApiKeyRow(db: Db, id: string, by: string, now?: Date): Promise<boolean> {
  const result = await db.updateTable("api_keys").set({ revoked_at: nowIso(now), revoked_by: by }).where("id", "=", id).where("revoked_at", "is", null).executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}
