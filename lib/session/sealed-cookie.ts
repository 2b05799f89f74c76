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
