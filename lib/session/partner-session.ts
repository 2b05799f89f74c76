import "server-only";

import { cookies, headers } from "next/headers";
import { redirect } from "next/navigation";
import { z } from "zod";

import { AppError } from "@/lib/errors";
import { cookieOptions, seal, unseal } from "@/lib/session/sealed-cookie";

export const SESSION_COOKIE = "consentry_session";
const SESSION_SECONDS = 8 * 3600;

const partnerSchema = z.object({
  oid: z.string(),
  tenantId: z.string(),
  username: z.string(),
  name: z.string(),
  roles: z.array(z.string()),
  signedInAt: z.number(),
});
export type Partner = z.infer<typeof partnerSchema>;

/** The value of the session cookie for a partner who just signed in. */
export async function sealPartnerSession(partner: Partner): Promise<{ name: string; value: string; options: ReturnType<typeof cookieOptions> }> {
  return { name: SESSION_COOKIE, value: await seal(partner, SESSION_SECONDS), options: cookieOptions(SESSION_SECONDS) };
}

export async function readPartnerSession(value: string | undefined): Promise<Partner | null> {
  const data = await unseal<Partner>(value, SESSION_SECONDS);
  const parsed = partnerSchema.safeParse(data);
  return parsed.success ? parsed.data : null;
}

/** The signed-in partner, or null. */
export async function currentPartner(): Promise<Partner | null> {
  return readPartnerSession((await cookies()).get(SESSION_COOKIE)?.value);
}

/**
 * Every dashboard page and server action starts here: a signed-in partner, or a
 * redirect to sign-in that comes back to the page.
 */
export async function requirePartner(): Promise<Partner> {
  const partner = await currentPartner();
  if (partner) return partner;
  const path = (await headers()).get("x-consentry-path") ?? "/dashboard";
  redirect(`/signin?returnTo=${encodeURIComponent(path)}`);
}

/** For API handlers: the partner, or a 401 AppError. */
export async function requirePartnerForApi(cookieValue: string | undefined): Promise<Partner> {
  const partner = await readPartnerSession(cookieValue);
  if (!partner) throw new AppError("unauthenticated", "Sign in as partner staff first.", { status: 401 });
  return partner;
}

// Imports are hoisted; this one sits here to keep the client-address change in one place.
import { clientAddress } from "@/lib/http/client-address";

/** Where a request came from, for the audit log. */
export function requestOrigin(h: Headers): { ip: string | null; userAgent: string | null } {
  // The socket's address, or X-Forwarded-For only as far as TRUSTED_PROXIES vouch for it.
  return { ip: clientAddress(h), userAgent: h.get("user-agent")?.slice(0, 300) ?? null };
}
