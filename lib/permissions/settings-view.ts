import "server-only";

import { getConfig } from "@/lib/config";
import type { Db } from "@/lib/db/database";
import { listPermissionSets, type PermissionSet } from "@/lib/db/repositories/permission-sets";
import { formatPermission, RESOURCE_KEYS, RESOURCE_LABELS, type PermissionEntry, type ResourceKey } from "@/lib/permissions/catalog";
import { addedPermissions } from "@/lib/permissions/permission-set";
import { lastRegistrationRead, type RegistrationRead } from "@/lib/permissions/registration";

/** A secret or certificate is flagged this long before it expires. */
export const CREDENTIAL_WARNING_DAYS = 30;

/** The redirect URIs the portal uses; each must be a Web redirect URI of the registration. */
export const REDIRECT_PATHS = ["/consent/callback", "/consent/signin/callback", "/auth/callback"] as const;

export interface CredentialStatus {
  kind: "certificate" | "secret";
  name: string;
  endDateTime: string | null;
  /** ok, expiring (within 30 days), expired, or no end date given. */
  state: "ok" | "expiring" | "expired" | "unknown";
  daysLeft: number | null;
}

export interface VersionView {
  version: number;
  source: PermissionSet["source"];
  createdAt: string;
  byResource: { resource: ResourceKey; label: string; permissions: PermissionEntry[] }[];
  /** What this version added to the one before it. */
  added: string[];
  removed: string[];
}

export interface RegistrationSettingsView {
  clientId: string;
  read: RegistrationRead | null;
  /** The set in force came from APP_PERMISSIONS because the registration was never read. */
  fallback: boolean;
  versions: VersionView[];
  redirectUris: { uri: string; registered: boolean | null }[];
  credentials: CredentialStatus[];
}

/** Loopback http URIs match whatever the port, as Entra ID matches them. */
function sameRedirect(expected: string, registered: string): boolean {
  if (expected === registered) return true;
  try {
    const a = new URL(expected);
    const b = new URL(registered);
    const loopback = (u: URL) => u.protocol === "http:" && (u.hostname === "localhost" || u.hostname === "127.0.0.1");
    return loopback(a) && loopback(b) && a.hostname === b.hostname && a.pathname === b.pathname;
  } catch {
    return false;
  }
}

export function credentialStatus(credential: { kind: "certificate" | "secret"; displayName: string | null; keyId: string | null; endDateTime: string | null }, now: number): CredentialStatus {
  const name = credential.displayName ?? credential.keyId ?? credential.kind;
  if (!credential.endDateTime) return { kind: credential.kind, name, endDateTime: null, state: "unknown", daysLeft: null };
  const end = Date.parse(credential.endDateTime);
  if (Number.isNaN(end)) return { kind: credential.kind, name, endDateTime: credential.endDateTime, state: "unknown", daysLeft: null };
  const daysLeft = Math.floor((end - now) / 86_400_000);
  const state = end <= now ? "expired" : daysLeft < CREDENTIAL_WARNING_DAYS ? "expiring" : "ok";
  return { kind: credential.kind, name, endDateTime: new Date(end).toISOString(), state, daysLeft };
}

function versionView(set: PermissionSet, previous: PermissionSet | null): VersionView {
  const removed = previous ? addedPermissions(set, previous).map(formatPermission) : [];
  return {
    version: set.version,
    source: set.source,
    createdAt: set.createdAt,
    byResource: RESOURCE_KEYS.map((resource) => ({ resource, label: RESOURCE_LABELS[resource], permissions: set.permissions.filter((p) => p.resource === resource) })).filter((g) => g.permissions.length > 0),
    added: previous ? addedPermissions(previous, set).map(formatPermission) : [],
    removed,
  };
}

/** What the settings page shows of the app registration: as last read, with every permission-set version. */
export async function getRegistrationSettingsView(db: Db, now: number = Date.now()): Promise<RegistrationSettingsView> {
  const config = getConfig();
  const [read, sets] = await Promise.all([lastRegistrationRead(db), listPermissionSets(db)]);
  const registered = read?.ok ? read.redirectUris : null;
  return {
    clientId: config.clientId,
    read,
    fallback: sets[0]?.source !== "registration",
    versions: sets.map((set, i) => versionView(set, sets[i + 1] ?? null)),
    redirectUris: REDIRECT_PATHS.map((p) => {
      const uri = `${config.publicBaseUrl}${p}`;
      return { uri, registered: registered ? registered.some((r) => sameRedirect(uri, r)) : null };
    }),
    credentials: read?.ok ? read.credentials.map((c) => credentialStatus(c, now)) : [],
  };
}
