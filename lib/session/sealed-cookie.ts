import "server-only";

import { sealData, unsealData } from "iron-session";

import { getConfig } from "@/lib/config";

export interface CookieOptions {
  httpOnly: true;
  sameSite: "lax";
  secure: boolean;
  path: string;
  maxAge: number;
}

/**
 * Cookie attributes for every sealed cookie: httpOnly, SameSite=Lax (the cookie must
 * survive Microsoft's top-level redirect back), Secure whenever the portal is served
 * over https (everywhere but localhost).
 */
export function cookieOptions(maxAgeSeconds: number, path = "/"): CookieOptions {
  return { httpOnly: true, sameSite: "lax", secure: getConfig().publicBaseUrl.startsWith("https://"), path, maxAge: maxAgeSeconds };
}

export async function seal<T extends object>(data: T, ttlSeconds: number): Promise<string> {
  return sealData(data, { password: getConfig().sessionPassword, ttl: ttlSeconds });
}

/** Unseals a cookie value; tampered, foreign or expired seals give null. */
export async function unseal<T extends object>(value: string | undefined, ttlSeconds: number): Promise<T | null> {
  if (!value || value.length > 8192) return null;
  try {
    const data = await unsealData<T>(value, { password: getConfig().sessionPassword, ttl: ttlSeconds });
    return data && Object.keys(data).length > 0 ? data : null;
  } catch {
    return null;
  }
}

/**
 * Seals that unsealed, by their exact text, until the expiry written into them. A signed-in
 * partner's cookie is unsealed twice a request (proxy.ts refreshing it, then the page's guard) and
 * stays the same for a minute at a time; each unseal is several WebCrypto calls on the thread pool
 * (0.35 ms p50, 2.5 ms p95 here). Only a value that passed the integrity check is remembered, and
 * only until the expiry it carries, so a remembered answer is the one unsealing would give; the
 * callers still check the session's own limits and version on every request.
 */
// On globalThis: proxy.ts and the pages are bundled apart, and each bundle has its own module scope.
const REMEMBERED = Symbol.for("consentry.rememberedSeals");
const remembered: Map<string, { data: object; expiresAt: number }> = ((globalThis as Record<symbol, unknown>)[REMEMBERED] as Map<string, { data: object; expiresAt: number }> | undefined) ??
  ((globalThis as Record<symbol, unknown>)[REMEMBERED] = new Map());
const REMEMBERED_MAX = 1000;

/** {@link unseal}, answered from memory for a value that unsealed before and has not expired. */
export async function unsealRemembered<T extends object>(value: string | undefined, ttlSeconds: number, now: number = Date.now()): Promise<T | null> {
  if (!value || value.length > 8192) return null;
  const key = `${ttlSeconds}:${value}`;
  const hit = remembered.get(key);
  if (hit) {
    remembered.delete(key);
    if (now < hit.expiresAt) {
      remembered.set(key, hit); // the most recently used last
      return { ...hit.data } as T;
    }
  }
  const data = await unseal<T>(value, ttlSeconds);
  const expiresAt = sealExpiry(value);
  if (data && expiresAt !== null && now < expiresAt) {
    remembered.set(key, { data: { ...data }, expiresAt });
    if (remembered.size > REMEMBERED_MAX) remembered.delete(remembered.keys().next().value!);
  }
  return data;
}

/**
 * The expiry (ms since the epoch) an iron seal carries in clear: its sixth `*`-separated field,
 * before iron-session's `~<version>` suffix. Null when it has none.
 * @see https://github.com/brc-dd/iron-webcrypto (seal: `Fe26.2*id*salt*iv*data*expiration*hmacSalt*hmac`)
 */
function sealExpiry(value: string): number | null {
  const expiration = value.split("~")[0]!.split("*")[5];
  return expiration && /^\d+$/.test(expiration) ? Number(expiration) : null;
}
