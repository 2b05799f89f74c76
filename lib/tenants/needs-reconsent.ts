import "server-only";

import { sql, type RawBuilder, type SqlBool } from "kysely";

import type { Db } from "@/lib/db/database";
import type { PermissionSet } from "@/lib/db/repositories/permission-sets";
import { addedPermissions, currentPermissionSet, permissionSetsByVersion } from "@/lib/permissions/permission-set";

/** What makes a consented tenant need re-consent, read once per request. */
export interface ReconsentRule {
  /** Versions that lack something the current permission set has. */
  staleVersions: number[];
  /**
   * The current set's Microsoft Graph permission values (as a token's `roles` names them). Only
   * Graph's: an imported tenant's recorded roles come from its Graph token alone.
   */
  required: string[];
  currentVersion: number;
}

export async function reconsentRule(db: Db, current?: PermissionSet): Promise<ReconsentRule> {
  const [set, sets] = await Promise.all([current ?? currentPermissionSet(db), permissionSetsByVersion(db)]);
  current = set;
  return {
    staleVersions: [...sets.values()].filter((s) => s.version < current.version && addedPermissions(s, current).length > 0).map((s) => s.version),
    required: [...new Set(current.permissions.filter((p) => p.resource === "graph").map((p) => p.value))],
    currentVersion: current.version,
  };
}

/**
 * SQL for "this consented tenant needs re-consent", over `tenants as t`: consented to a version
 * that lacks some of the current permissions; or, when the version is not known (a tenant that
 * consented before Consentry, imported), its last token's roles lack one of the Graph ones. Roles are a
 * JSON array of strings, so a role is matched as `"value"` inside it.
 */
export function needsReconsentSql(rule: ReconsentRule): RawBuilder<SqlBool> {
  const stale = rule.staleVersions.length ? sql`t.consented_permission_set_version in (${sql.join(rule.staleVersions.map((v) => sql`${v}`))})` : sql`1 = 0`;
  const missing = rule.required.length ? sql.join(rule.required.map((value) => sql`t.roles not like ${`%${JSON.stringify(value)}%`}`), sql` or `) : sql`1 = 0`;
  return sql<SqlBool>`(t.status = 'consented' and (${stale} or (t.consented_permission_set_version is null and t.roles is not null and t.roles <> '[]' and (${missing}))))`;
}

/** The same rule for one tenant already read. */
export function tenantNeedsReconsent(rule: ReconsentRule, tenant: { status: string; consentedPermissionSetVersion: number | null; roles: string[] }): boolean {
  if (tenant.status !== "consented") return false;
  if (tenant.consentedPermissionSetVersion !== null) return rule.staleVersions.includes(tenant.consentedPermissionSetVersion);
  return tenant.roles.length > 0 && rule.required.some((value) => !tenant.roles.includes(value));
}
