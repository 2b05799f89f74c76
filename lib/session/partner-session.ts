import "server-only";

import { z } from "zod";

import { PARTNER_ROLES } from "@/lib/auth/roles";
import { getConfig } from "@/lib/config";
import { AppError } from "@/lib/errors";
import { cookieOptions, seal, unsealRemembered, type CookieOptions } from "@/lib/session/sealed-cookie";
import { isSessionVersionCurrent, remainingSessionSeconds, SESSION_ABSOLUTE_SECONDS, sessionTimeState } from "@/lib/session/session-lifetime";

export const SESSION_COOKIE = "consentry_session";

const partnerSchema = z.object({
  oid: z.string(),
  tenantId: z.string(),
  username: z.string(),
  name: z.string(),
  role: z.enum(PARTNER_ROLES),
  signedInAt: z.number(),
  /** The last request that counted as activity; the idle timeout runs from here. */
  lastSeenAt: z.number(),
  /** The portal's session version at sign-in; an admin raising it signs this session out. */
  sessionVersion: z.number().int().positive(),
});
export type Partner = z.infer<typeof partnerSchema>;

export interface SessionCookie {
  name: string;
  value: string;
  options: CookieOptions;
}

/** The session cookie for `partner`; seal and Max-Age both end with the session's absolute lifetime. */
export async function sealPartnerSession(partner: Partner, now: number = Date.now()): Promise<SessionCookie> {
  const seconds = remainingSessionSeconds(partner, now);
  // iron-session reads a TTL of 0 as "never expires": an ended session must never be sealed again.
  if (seconds <= 0) throw new AppError("session_expired", "This session has reached its 8-hour limit; sign in again.");
  return { name: SESSION_COOKIE, value: await seal(partner, seconds), options: cookieOptions(seconds) };
}

/** What a session cookie is worth right now; anything but "active" sends the person to sign in. */
export type SessionLookup = { status: "active"; partner: Partner } | { status: "none" | "expired" | "idle" | "revoked" };

/** Checks a cookie's seal, its absolute lifetime and its idle timeout. */
async function unsealActiveSession(value: string | undefined, now: number): Promise<SessionLookup> {
  // A seal from before roles existed fails the schema and counts as no session, so its
  // holder signs in again and gets a role.
  const parsed = partnerSchema.safeParse(await unsealRemembered<Partner>(value, SESSION_ABSOLUTE_SECONDS, now));
  if (!parsed.success) return { status: "none" };
  const state = sessionTimeState(parsed.data, now, getConfig().sessionIdleMinutes);
  return state === "active" ? { status: "active", partner: parsed.data } : { status: state };
}

/** The whole check: seal, lifetime, idle timeout, and a version no older than `currentVersion`. */
export async function inspectPartnerSession(value: string | undefined, currentVersion: number, now: number = Date.now()): Promise<SessionLookup> {
  const lookup = await unsealActiveSession(value, now);
  if (lookup.status === "active" && !isSessionVersionCurrent(lookup.partner.sessionVersion, currentVersion)) return { status: "revoked" };
  return lookup;
}

/**
 * The partner in a cookie that is within its lifetime and idle timeout, without the
 * version check (no database, so proxy.ts can use it): for refreshing the cookie and for
 * naming who signs out, never for authorizing, which is loadPartnerSession's job.
 */
export async function readPartnerSession(value: string | undefined, now: number = Date.now()): Promise<Partner | null> {
  const lookup = await unsealActiveSession(value, now);
  return lookup.status === "active" ? lookup.partner : null;
}

