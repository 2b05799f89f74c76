import "server-only";

import { getConfig } from "@/lib/config";
import type { Db } from "@/lib/db/database";
import { enqueueWebhookEvents } from "@/lib/db/repositories/webhooks";
import { logger } from "@/lib/log/logger";
import { runAsBackgroundWork } from "@/lib/log/request-context";
import { lastRegistrationRead } from "@/lib/permissions/registration";
import { credentialExpiringEvent, type WebhookEvent } from "@/lib/webhooks/events";

export const EXPIRY_WARNING_DAYS = 30;
const DAY_MS = 86_400_000;

export interface KnownCredential {
  source: "configured" | "registration";
  kind: "certificate" | "secret";
  keyId: string | null;
  displayName: string | null;
  expiresAt: string;
}

/**
 * What is known to expire: the certificate the portal signs with (its notAfter, read from the
 * PEM at start-up) and every certificate and secret on the app registration (`endDateTime`, from
 * the last read of the registration). A client secret configured in the environment has no
 * readable expiry; its registration entry does.
 */
export async function knownCredentials(db: Db): Promise<KnownCredential[]> {
  const known: KnownCredential[] = [];
  const credential = getConfig().credential;
  if (credential?.kind === "certificate") known.push({ source: "configured", kind: "certificate", keyId: credential.thumbprintSha256, displayName: null, expiresAt: credential.notAfter.toISOString() });
  const read = await lastRegistrationRead(db);
  if (read?.ok) {
    for (const c of read.credentials) if (c.endDateTime) known.push({ source: "registration", kind: c.kind, keyId: c.keyId, displayName: c.displayName, expiresAt: new Date(c.endDateTime).toISOString() });
  }
  return known;
}

/** The `credential.expiring` events for credentials that expire within 30 days (pure). */
export function expiringCredentialEvents(credentials: KnownCredential[], now: Date = new Date()): WebhookEvent[] {
  return credentials.flatMap((c) => {
    const left = new Date(c.expiresAt).getTime() - now.getTime();
    if (Number.isNaN(left) || left > EXPIRY_WARNING_DAYS * DAY_MS) return [];
    return [credentialExpiringEvent({ ...c, daysLeft: Math.max(0, Math.floor(left / DAY_MS)) }, now)];
  });
}

/** Queues today's `credential.expiring` events (once a day per credential, whatever restarts). */
export async function checkCredentialExpiry(db: Db, now: Date = new Date()): Promise<number> {
  return enqueueWebhookEvents(db, expiringCredentialEvents(await knownCredentials(db), now), { now });
}

const globalForCheck = globalThis as unknown as { consentryCredentialExpiryTimer?: NodeJS.Timeout };

/** Checks at start-up and then daily, on an unref'd timer. */
export function startCredentialExpiryChecks(db: Db): void {
  if (globalForCheck.consentryCredentialExpiryTimer) return;
  const check = () => void runAsBackgroundWork(() => checkCredentialExpiry(db).catch((error: unknown) => logger("webhooks").error({ err: error }, "credential expiry check failed")));
  check();
  globalForCheck.consentryCredentialExpiryTimer = setInterval(check, DAY_MS);
  globalForCheck.consentryCredentialExpiryTimer.unref();
}
