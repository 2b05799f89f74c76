import "server-only";

import { sql } from "kysely";

import type { Db } from "@/lib/db/database";
import { nowIso } from "@/lib/db/repositories/json";
import { AppError } from "@/lib/errors";

/**
 * Settings an admin changes at run time, kept in the database so that every portal
 * instance sees the same value. Keys are a closed list: a typo fails to compile instead
 * of silently reading nothing.
 */
export type PortalSettingKey = "partner_session_version" | "app_registration";

export interface PortalSetting {
  key: PortalSettingKey;
  value: string;
  updatedAt: string;
  updatedBy: string | null;
}

export async function getPortalSetting(db: Db, key: PortalSettingKey): Promise<PortalSetting | null> {
  const row = await db.selectFrom("portal_settings").selectAll().where("key", "=", key).executeTakeFirst();
  return row ? { key, value: row.value, updatedAt: row.updated_at, updatedBy: row.updated_by } : null;
}

/** Creates or replaces a setting; `updatedBy` is who changed it, for the settings page. */
export async function setPortalSetting(db: Db, key: PortalSettingKey, value: string, updatedBy: string | null, now?: Date): Promise<PortalSetting> {
  const row = { key, value, updated_at: nowIso(now), updated_by: updatedBy };
  await db
    .insertInto("portal_settings")
    .values(row)
    .onConflict((oc) => oc.column("key").doUpdateSet({ value: row.value, updated_at: row.updated_at, updated_by: row.updated_by }))
    .execute();
  return { key, value, updatedAt: row.updated_at, updatedBy };
}

/** Sessions sealed before the first "sign everyone out" carry this version. */
export const INITIAL_SESSION_VERSION = 1;

export interface SessionVersion {
  version: number;
  /** When and by whom it was last raised; null while it was never raised. */
  updatedAt: string | null;
  updatedBy: string | null;
}

function parseVersion(value: string): number {
  if (!/^\d{1,15}$/.test(value)) {
    throw new AppError("invalid_setting", `The stored partner_session_version "${value.slice(0, 40)}" is not a whole number; set it to one (for example ${INITIAL_SESSION_VERSION}) in portal_settings.`, {
      cause: { expected: "a whole number", actual: value.slice(0, 40) },
    });
  }
  return Number(value);
}

/** The version every partner session must carry at least (sessions with an older one are signed out). */
export async function getPartnerSessionVersion(db: Db): Promise<SessionVersion> {
  const setting = await getPortalSetting(db, "partner_session_version");
  if (!setting) return { version: INITIAL_SESSION_VERSION, updatedAt: null, updatedBy: null };
  return { version: parseVersion(setting.value), updatedAt: setting.updatedAt, updatedBy: setting.updatedBy };
}

/**
 * Raises the session version by one in a single statement, so two admins signing
 * everyone out at once on different instances both take effect and neither is lost.
 */
export async function raisePartnerSessionVersion(db: Db, updatedBy: string, now?: Date): Promise<SessionVersion> {
  const updatedAt = nowIso(now);
  const row = await db
    .insertInto("portal_settings")
    .values({ key: "partner_session_version", value: String(INITIAL_SESSION_VERSION + 1), updated_at: updatedAt, updated_by: updatedBy })
    .onConflict((oc) =>
      oc.column("key").doUpdateSet({
        value: sql<string>`cast(cast(portal_settings.value as integer) + 1 as text)`,
        updated_at: updatedAt,
        updated_by: updatedBy,
      }),
    )
    .returning(["value"])
    .executeTakeFirstOrThrow();
  return { version: parseVersion(row.value), updatedAt, updatedBy };
}
