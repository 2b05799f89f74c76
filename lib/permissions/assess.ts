import { formatPermission, knownPermission, permissionByAppRoleId, permissionKey, RESOURCE_KEYS, type PermissionEntry, type PermissionRef, type ResourceKey } from "@/lib/permissions/catalog";

/**
 * Configured vs granted vs in the token, per resource: the one function the admin's
 * result page and the partner's tenant page both use, so they can never disagree.
 *
 * - granted: the app's service principal's `appRoleAssignments` in the tenant (null when
 *   they could not be read);
 * - in the token: the `roles` of the token *for that permission's resource* (Graph,
 *   Exchange and SharePoint each issue their own; null when there is no such token).
 */
export interface PermissionEvidence {
  configured: readonly PermissionEntry[];
  /** Granted permissions, resolved per resource; null when the assignments could not be read. */
  granted: readonly PermissionRef[] | null;
  /** Roles of each resource's token; absent or null when no token for it was obtained. */
  tokenRoles: Partial<Record<ResourceKey, readonly string[] | null>>;
  /**
   * Granted app roles Consentry could not name (the configured set carries no ID for them,
   * as with the APP_PERMISSIONS fallback): a configured permission without an ID is then
   * "unknown" rather than "not granted".
   */
  grantedUnresolved?: number;
}

export type PermissionState =
  /** Granted (or, without the assignments, in the token). */
  | "granted"
  /** Configured but really not granted: only a re-consent adds it. */
  | "not-granted"
  /** Granted, not yet in the token: Microsoft is replicating, or the token predates the grant. */
  | "not-in-token"
  /** Neither the assignments nor a token for its resource tell. */
  | "unknown"
  /** Granted but no longer configured on the app. */
  | "extra";

export interface PermissionAssessment extends PermissionEntry {
  configured: boolean;
  granted: boolean | null;
  inToken: boolean | null;
  state: PermissionState;
}

export interface PermissionAssessments {
  rows: PermissionAssessment[];
  /** Configured and really not granted: the customer's admin must consent again. */
  notGranted: PermissionAssessment[];
  /** Granted but not in the token yet: nothing to do but wait (or get a fresh token). */
  notInToken: PermissionAssessment[];
  reconsentNeeded: boolean;
}

export function assessPermissions(evidence: PermissionEvidence): PermissionAssessments {
  const granted = evidence.granted === null ? null : new Set(evidence.granted.map(permissionKey));
  const entries = new Map<string, PermissionEntry & { configured: boolean }>();
  for (const p of evidence.configured) entries.set(permissionKey(p), { ...p, configured: true });
  for (const p of evidence.granted ?? []) {
    const key = permissionKey(p);
    if (!entries.has(key)) {
      const known = knownPermission(p);
      entries.set(key, { resource: p.resource, value: p.value, appRoleId: known?.appRoleId ?? null, displayName: null, description: known?.description ?? null, configured: false });
    }
  }
  const rows = [...entries.values()]
    .sort((a, b) => Number(b.configured) - Number(a.configured) || RESOURCE_KEYS.indexOf(a.resource) - RESOURCE_KEYS.indexOf(b.resource) || a.value.localeCompare(b.value))
    .map((p): PermissionAssessment => {
      const roles = evidence.tokenRoles[p.resource];
      const inToken = roles === undefined || roles === null ? null : roles.includes(p.value);
      const isGranted =
        granted === null ? null : granted.has(permissionKey(p)) ? true : p.appRoleId === null && (evidence.grantedUnresolved ?? 0) > 0 ? null : false;
      let state: PermissionState;
      if (!p.configured) state = "extra";
      else if (isGranted === true) state = inToken === false ? "not-in-token" : "granted";
      else if (isGranted === false) state = "not-granted";
      else state = inToken === true ? "granted" : inToken === false ? "not-granted" : "unknown";
      return { ...p, granted: isGranted, inToken, state };
    });
  const notGranted = rows.filter((r) => r.state === "not-granted");
  return { rows, notGranted, notInToken: rows.filter((r) => r.state === "not-in-token"), reconsentNeeded: notGranted.length > 0 };
}

/**
 * Turns the granted roles a probe run recorded into permissions of a resource. Runs
 * record each assignment's app role ID (`appRole:<id>`), which names one permission of
 * one resource (Graph's and SharePoint's `Sites.Read.All` have different IDs): it is
 * looked up in the configured set, then among the permissions Consentry knows; what
 * neither names is counted as unresolved. Runs from before recorded role values, which
 * are matched by value (a value no configured permission has is taken as Graph's).
 */
export function resolveGrantedRoles(names: readonly string[], configured: readonly PermissionEntry[]): { refs: PermissionRef[]; unresolved: number } {
  const out = new Map<string, PermissionRef>();
  let unresolved = 0;
  const add = (p: PermissionRef) => out.set(permissionKey(p), { resource: p.resource, value: p.value });
  for (const name of names) {
    if (name.startsWith("appRole:")) {
      const id = name.slice("appRole:".length).toLowerCase();
      const configuredMatch = configured.find((p) => p.appRoleId === id);
      const known = configuredMatch ? null : permissionByAppRoleId(id);
      if (configuredMatch) add(configuredMatch);
      else if (known) add({ resource: known.resource, value: known.name });
      else unresolved++;
      continue;
    }
    const byValue = configured.filter((p) => p.value === name);
    if (byValue.length) for (const p of byValue) add(p);
    else add({ resource: knownPermission({ resource: "exchange", value: name }) ? "exchange" : "graph", value: name });
  }
  return { refs: [...out.values()], unresolved };
}

export function describeAssessment(row: PermissionAssessment): string {
  return formatPermission(row);
}
