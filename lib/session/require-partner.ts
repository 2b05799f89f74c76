import "server-only";

import { cookies, headers } from "next/headers";
import { redirect } from "next/navigation";
import { cache } from "react";

import { describeRole, hasRole, ROLE_LABELS, type PartnerRole } from "@/lib/auth/roles";
import { getDb } from "@/lib/db/database";
import { appendAudit } from "@/lib/db/repositories/audit";
import { getPartnerSessionVersion } from "@/lib/db/repositories/portal-settings";
import { AppError } from "@/lib/errors";
import { requestOrigin } from "@/lib/http/request-meta";
import { inspectPartnerSession, SESSION_COOKIE, type Partner, type SessionLookup } from "@/lib/session/partner-session";

/** Why there is no usable session, for the sign-in page to say ("none" says nothing). */
export type SessionEnd = Exclude<SessionLookup["status"], "active">;

export type Authorization =
  | { ok: true; partner: Partner }
  | { ok: false; status: 401; ended: SessionEnd }
  | { ok: false; status: 403; partner: Partner; needed: PartnerRole };

/** {@link inspectPartnerSession} against the session version in the database (no query without a cookie). */
export async function loadPartnerSession(value: string | undefined): Promise<SessionLookup> {
  if (!value) return { status: "none" };
  return inspectPartnerSession(value, (await getPartnerSessionVersion(await getDb())).version);
}

/** The decision every guard below makes, as a pure function of the session and the role the work needs. */
export function authorizePartner(lookup: SessionLookup, minimum: PartnerRole): Authorization {
  if (lookup.status !== "active") return { ok: false, status: 401, ended: lookup.status };
  if (!hasRole(lookup.partner.role, minimum)) return { ok: false, status: 403, partner: lookup.partner, needed: minimum };
  return { ok: true, partner: lookup.partner };
}

/** The 403 every action and API handler answers a too-low role with; the message names the role to ask for. */
export function forbiddenError(partner: Partner, needed: PartnerRole): AppError {
  return new AppError(
    "forbidden",
    `This needs ${describeRole(needed)} or higher; ${partner.username} has the ${ROLE_LABELS[partner.role]} role. An admin of the partner tenant can assign the role in the Microsoft Entra admin center (Enterprise applications → this app → Users and groups); sign in again afterwards.`,
    { cause: { expected: needed, actual: partner.role } },
  );
}

const END_MESSAGES: Record<SessionEnd, string> = {
  none: "Sign in as partner staff first.",
  expired: "Your session reached its 8-hour limit; sign in again.",
  idle: "Your session ended after a period without activity; sign in again.",
  revoked: "An admin signed everyone out; sign in again.",
};

export function unauthenticatedError(ended: SessionEnd): AppError {
  return new AppError("unauthenticated", END_MESSAGES[ended]);
}

/** The sign-in page, told where to come back to and why the last session ended. */
export function signInPath(returnTo: string, ended: SessionEnd): string {
  const query = new URLSearchParams({ returnTo });
  if (ended !== "none") query.set("ended", ended);
  return `/signin?${query}`;
}

/** The 403 page (a route handler, since only those can answer a page with a status of their choosing). */
export function forbiddenPath(needed: PartnerRole, from: string): string {
  return `/auth/forbidden?${new URLSearchParams({ needs: needed, from })}`;
}

/** Once per request: the layout and the page both guard themselves, and need only one version read. */
const sessionLookup = cache(async (): Promise<SessionLookup> => loadPartnerSession((await cookies()).get(SESSION_COOKIE)?.value));

/** The dashboard path this request is for, as proxy.ts passes it along (pages cannot read their own URL). */
async function requestedPath(): Promise<string> {
  return (await headers()).get("x-consentry-path") ?? "/dashboard";
}

/**
 * Every dashboard page starts here: a signed-in partner with at least `minimum`, a
 * redirect to sign-in that comes back to the page, or a redirect to the 403 page naming
 * the role to ask for.
 */
export async function requirePartner(minimum: PartnerRole): Promise<Partner> {
  const result = authorizePartner(await sessionLookup(), minimum);
  if (result.ok) return result.partner;
  const path = await requestedPath();
  redirect(result.status === 401 ? signInPath(path, result.ended) : forbiddenPath(result.needed, path));
}

/**
 * Every server action starts here. Without a session it redirects to sign-in like a
 * page; a too-low role is refused with an AppError 403 and recorded in the audit log —
 * the buttons are hidden from such roles, so a call that gets here was forged or sent
 * from a page left open across a role change.
 */
export async function requirePartnerForAction(minimum: PartnerRole): Promise<Partner> {
  const result = authorizePartner(await sessionLookup(), minimum);
  if (result.ok) return result.partner;
  const path = await requestedPath();
  if (result.status === 401) redirect(signInPath(path, result.ended));
  await appendAudit(await getDb(), {
    actor: result.partner.username,
    action: "partner.forbidden",
    target: path,
    details: { role: result.partner.role, needed: result.needed },
    ...requestOrigin(await headers()),
  });
  throw forbiddenError(result.partner, result.needed);
}

/** For API handlers: the partner, or an AppError 401 (no usable session) or 403 (role too low). */
export async function requirePartnerForApi(cookieValue: string | undefined, minimum: PartnerRole): Promise<Partner> {
  const result = authorizePartner(await loadPartnerSession(cookieValue), minimum);
  if (result.ok) return result.partner;
  throw result.status === 401 ? unauthenticatedError(result.ended) : forbiddenError(result.partner, result.needed);
}
