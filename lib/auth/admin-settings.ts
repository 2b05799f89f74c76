import "server-only";

import { getConfig, type CloudName } from "@/lib/config";
import type { Db } from "@/lib/db/database";
import { appendAudit } from "@/lib/db/repositories/audit";
import { getPartnerSessionVersion, raisePartnerSessionVersion, type SessionVersion } from "@/lib/db/repositories/portal-settings";
import type { Meta } from "@/lib/http/request-meta";
import { sealPartnerSession, type Partner, type SessionCookie } from "@/lib/session/partner-session";
import { SESSION_ABSOLUTE_SECONDS } from "@/lib/session/session-lifetime";

/** How the app proves itself to Microsoft, as far as a page may show it: never the secret or the key. */
export type CredentialView =
  | { kind: "certificate"; thumbprintSha256: string; thumbprintSha1: string; notAfter: string }
  | { kind: "secret" }
  | { kind: "none" };

export interface AdminSettingsView {
  appDisplayName: string;
  partnerDisplayName: string;
  cloud: CloudName;
  authorityHost: string;
  clientId: string;
  partnerTenantId: string;
  publicBaseUrl: string;
  credential: CredentialView;
  sessionIdleMinutes: number;
  sessionAbsoluteHours: number;
  sessionVersion: SessionVersion;
}

/** What /dashboard/settings shows, read-only: the settings that came from the environment and the session version. */
export async function getAdminSettingsView(db: Db): Promise<AdminSettingsView> {
  const config = getConfig();
  const credential = config.credential;
  return {
    appDisplayName: config.appDisplayName,
    partnerDisplayName: config.partnerDisplayName,
    cloud: config.cloud.name,
    authorityHost: config.cloud.authorityHost,
    clientId: config.clientId,
    partnerTenantId: config.partnerTenantId,
    publicBaseUrl: config.publicBaseUrl,
    credential:
      credential === null
        ? { kind: "none" }
        : credential.kind === "secret"
          ? { kind: "secret" }
          : { kind: "certificate", thumbprintSha256: credential.thumbprintSha256, thumbprintSha1: credential.thumbprintSha1, notAfter: credential.notAfter.toISOString() },
    sessionIdleMinutes: config.sessionIdleMinutes,
    sessionAbsoluteHours: SESSION_ABSOLUTE_SECONDS / 3600,
    sessionVersion: await getPartnerSessionVersion(db),
  };
}

/** What the confirmation step's form sends (and its `?confirm=` value), so one click alone never signs everyone out. */
export const SIGN_EVERYONE_OUT_CONFIRMATION = "sign-everyone-out";

/**
 * "Sign everyone out": raises the session version, so every partner session sealed
 * before now is refused on its next request, on every instance. The admin who asked is
 * re-sealed with the new version and stays signed in in this browser — a copy of their
 * cookie elsewhere (the usual reason to do this) still carries the old version.
 */
export async function signEveryoneOut(db: Db, admin: Partner, meta: Meta, now: number = Date.now()): Promise<{ version: number; cookie: SessionCookie }> {
  const raised = await db.transaction().execute(async (trx) => {
    const version = await raisePartnerSessionVersion(trx, admin.username, new Date(now));
    await appendAudit(trx, { actor: admin.username, action: "partner.sessions_revoked", details: { sessionVersion: version.version }, ...meta }, new Date(now));
    return version;
  });
  const cookie = await sealPartnerSession({ ...admin, sessionVersion: raised.version, lastSeenAt: now }, now);
  return { version: raised.version, cookie };
}
