import "server-only";

import { z } from "zod";

import { getConfig } from "@/lib/config";
import type { Db } from "@/lib/db/database";
import { appendAudit } from "@/lib/db/repositories/audit";
import { getLatestPermissionSet, type PermissionSet } from "@/lib/db/repositories/permission-sets";
import { getPortalSetting, setPortalSetting } from "@/lib/db/repositories/portal-settings";
import type { GraphResult } from "@/lib/graph/graph-client";
import { readAppRegistration, readResourceAppRoles, type AppRegistration, type ResourceAppRole } from "@/lib/graph/applications";
import { acquireAppToken } from "@/lib/identity/app-token";
import { logger } from "@/lib/log/logger";
import { formatPermission, resourceByAppId, type PermissionEntry } from "@/lib/permissions/catalog";
import { fallbackPermissionEntries, recordPermissionSet, sortPermissions } from "@/lib/permissions/permission-set";
import { enqueueNeedsReconsentEvents } from "@/lib/webhooks/lifecycle-events";
import { AppError } from "@/lib/errors";
import type { Meta } from "@/lib/http/request-meta";

/** What the settings page shows of the last attempt to read the app registration. */
export const registrationReadSchema = z.discriminatedUnion("ok", [
  z.object({
    ok: z.literal(true),
    readAt: z.string(),
    clientId: z.string(),
    displayName: z.string().nullable(),
    credentials: z.array(z.object({ kind: z.enum(["certificate", "secret"]), keyId: z.string().nullable(), displayName: z.string().nullable(), endDateTime: z.string().nullable() })),
    redirectUris: z.array(z.string()),
    /** Permissions of resources Consentry does not model (custom APIs), or role IDs the resource does not list. */
    ignored: z.array(z.string()),
  }),
  z.object({ ok: z.literal(false), readAt: z.string(), code: z.string(), message: z.string() }),
]);
export type RegistrationRead = z.infer<typeof registrationReadSchema>;

export interface RegistrationDeps {
  /** An app-only Graph token for the partner tenant (the registration's home). */
  partnerGraphToken(): Promise<string>;
  readAppRegistration(token: string, clientId: string): Promise<GraphResult<AppRegistration>>;
  readResourceAppRoles(token: string, resourceAppId: string): Promise<GraphResult<{ appId: string; displayName: string | null; appRoles: ResourceAppRole[] }>>;
}

export function liveRegistrationDeps(): RegistrationDeps {
  return {
    partnerGraphToken: async () => (await acquireAppToken(getConfig().partnerTenantId, "graph", { fresh: true })).accessToken,
    readAppRegistration,
    readResourceAppRoles,
  };
}

/** The app registration could not be read; `reason` is Graph's error code (or `token_failed`), kept for the settings page. */
class RegistrationReadError extends AppError {
  constructor(
    readonly reason: string,
    message: string,
  ) {
    super("registration_unreadable", message);
    this.name = "RegistrationReadError";
  }
}

const NEEDS_PERMISSION =
  "Grant the app the Microsoft Graph application permission Application.Read.All in your own (partner) tenant: App registrations > the app > API permissions > Add > Microsoft Graph > Application permissions > Application.Read.All, then Grant admin consent (a Global Administrator or Privileged Role Administrator of that tenant).";

function failureOf(what: string, answer: Extract<GraphResult<unknown>, { ok: false }>): RegistrationReadError {
  const hint = answer.status === 403 || answer.status === 401 ? ` ${NEEDS_PERMISSION}` : "";
  return new RegistrationReadError(answer.code, `Reading ${what} failed: ${answer.status ?? "no answer"} ${answer.code}: ${answer.message}${hint}`);
}

/**
 * Reads the app registration and resolves each configured app role ID to its value,
 * display name and description through the resource's service principal.
 */
export async function readRegisteredPermissions(deps: RegistrationDeps, clientId: string): Promise<{ permissions: PermissionEntry[]; read: Extract<RegistrationRead, { ok: true }> }> {
  let token: string;
  try {
    token = await deps.partnerGraphToken();
  } catch (error) {
    throw new RegistrationReadError("token_failed", `No app-only token for the partner tenant: ${error instanceof Error ? error.message : String(error)}`);
  }
  const app = await deps.readAppRegistration(token, clientId);
  if (!app.ok) throw failureOf(`the app registration ${clientId}`, app);
  const permissions: PermissionEntry[] = [];
  const ignored: string[] = [];
  for (const required of app.data.requiredAppRoles) {
    if (required.appRoleIds.length === 0) continue;
    const resource = resourceByAppId(required.resourceAppId);
    if (!resource) {
      ignored.push(...required.appRoleIds.map((id) => `${required.resourceAppId}/${id}`));
      continue;
    }
    const roles = await deps.readResourceAppRoles(token, required.resourceAppId);
    if (!roles.ok) throw failureOf(`the app roles of ${required.resourceAppId}`, roles);
    const byId = new Map(roles.data.appRoles.map((r) => [r.id, r]));
    for (const id of required.appRoleIds) {
      const role = byId.get(id);
      if (!role) {
        ignored.push(`${required.resourceAppId}/${id}`);
        continue;
      }
      permissions.push({ resource, value: role.value, appRoleId: role.id, displayName: role.displayName, description: role.description });
    }
  }
  return {
    permissions: sortPermissions(permissions),
    read: {
      ok: true,
      readAt: new Date().toISOString(),
      clientId: app.data.appId,
      displayName: app.data.displayName,
      credentials: app.data.credentials,
      redirectUris: app.data.redirectUris,
      ignored,
    },
  };
}

export interface RefreshOutcome {
  set: PermissionSet;
  /** A new version was recorded by this refresh. */
  created: boolean;
  read: RegistrationRead;
  /** The set in use came from APP_PERMISSIONS, not the registration. */
  fallback: boolean;
}

/**
 * Reads the app registration and records its permissions as a new version when they
 * changed (tenants consented to an older one then need re-consent). When it cannot be
 * read, the last version read from the registration stays current; only without one
 * does APP_PERMISSIONS (the fallback) become the set. Runs at start-up, before each
 * bulk run and when an admin asks on the settings page (`actor` is then audited).
 */
export async function refreshPermissionSet(db: Db, options: { deps?: RegistrationDeps; actor?: string; meta?: Meta } = {}): Promise<RefreshOutcome> {
  const deps = options.deps ?? liveRegistrationDeps();
  const config = getConfig();
  let read: RegistrationRead;
  let outcome: { set: PermissionSet; created: boolean };
  let fallback = false;
  try {
    const registered = await readRegisteredPermissions(deps, config.clientId);
    read = registered.read;
    outcome = await recordPermissionSet(db, registered.permissions, "registration");
  } catch (error) {
    if (!(error instanceof RegistrationReadError)) throw error;
    read = { ok: false, readAt: new Date().toISOString(), code: error.reason, message: error.message };
    const latest = await getLatestPermissionSet(db);
    if (latest && latest.source === "registration") {
      outcome = { set: latest, created: false };
    } else {
      fallback = true;
      outcome = await recordPermissionSet(db, fallbackPermissionEntries(), "fallback");
    }
  }
  await setPortalSetting(db, "app_registration", JSON.stringify(read), options.actor ?? null);
  // A new version: tenants consented to the one before now need re-consent (a webhook must never break the refresh).
  if (outcome.created) await enqueueNeedsReconsentEvents(db, outcome.set.version).catch((error: unknown) => logger("permissions").error({ err: error, permissionSetVersion: outcome.set.version }, "queueing tenant.needs_reconsent failed"));
  if (options.actor || outcome.created) {
    await appendAudit(db, {
      actor: options.actor ?? "system",
      action: "permissions.refreshed",
      details: {
        version: outcome.set.version,
        created: outcome.created,
        source: outcome.set.source,
        ...(read.ok ? { permissions: outcome.set.permissions.map(formatPermission) } : { error: read.message }),
      },
      ip: options.meta?.ip ?? null,
      userAgent: options.meta?.userAgent ?? null,
    });
  }
  return { ...outcome, read, fallback };
}

/** The last read of the app registration (null before the first). */
export async function lastRegistrationRead(db: Db): Promise<RegistrationRead | null> {
  const setting = await getPortalSetting(db, "app_registration");
  if (!setting) return null;
  const parsed = registrationReadSchema.safeParse(JSON.parse(setting.value));
  return parsed.success ? parsed.data : null;
}
