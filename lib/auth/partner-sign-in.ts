import "server-only";

import { z } from "zod";

import { noRolePage } from "@/lib/auth/access-pages";
import { partnerRoleFromClaims } from "@/lib/auth/roles";
import { getConfig } from "@/lib/config";
import type { AppError } from "@/lib/errors";
import { problem } from "@/lib/consent/problems";
import { statesEqual } from "@/lib/consent/consent-cookie";
import type { Db } from "@/lib/db/database";
import { appendAudit } from "@/lib/db/repositories/audit";
import { getPartnerSessionVersion } from "@/lib/db/repositories/portal-settings";
import { aadstsCodeOf } from "@/lib/identity/aadsts";
import { beginSignIn, completeSignIn, type SignInFlow } from "@/lib/identity/sign-in";
import type { Meta } from "@/lib/http/request-meta";
import { sealPartnerSession } from "@/lib/session/partner-session";
import { cookieOptions, seal, unseal } from "@/lib/session/sealed-cookie";

export const SIGN_IN_COOKIE = "consentry_signin";
const SIGN_IN_SECONDS = 10 * 60;

/** Only paths on this site: never an absolute or protocol-relative URL (no open redirect). */
export function safeReturnTo(value: string | null | undefined): string {
  if (!value || !value.startsWith("/") || value.startsWith("//") || value.startsWith("/\\") || value.length > 512 || /[\u0000-\u001f]/.test(value)) return "/dashboard";
  return value;
}

export async function startPartnerSignIn(returnTo: string | null) {
  const { url, flow } = await beginSignIn(safeReturnTo(returnTo));
  return { url, cookie: { name: SIGN_IN_COOKIE, value: await seal(flow, SIGN_IN_SECONDS), options: cookieOptions(SIGN_IN_SECONDS, "/auth") } };
}

const callbackSchema = z.object({
  code: z.string().min(1).max(4096).optional(),
  state: z.string().min(1).max(512).optional(),
  error: z.string().max(100).optional(),
  error_description: z.string().max(4096).optional(),
});

export type SignInOutcome =
  | { kind: "signed-in"; returnTo: string; sessionCookie: Awaited<ReturnType<typeof sealPartnerSession>> }
  | { kind: "problem"; problem: AppError };

/**
 * GET /auth/callback: the state must match this browser's sign-in cookie, the code is
 * redeemed with its PKCE verifier and nonce, and only users of PARTNER_TENANT_ID who hold
 * one of the app's roles get a session, carrying the highest of those roles and the
 * current session version. Everyone else is told why.
 */
export async function finishPartnerSignIn(db: Db, search: URLSearchParams, cookieValue: string | undefined, meta: Meta): Promise<SignInOutcome> {
  const keys = [...search.keys()];
  const parsed = callbackSchema.safeParse(Object.fromEntries(search));
  if (!parsed.success || new Set(keys).size !== keys.length) return { kind: "problem", problem: problem("sign_in_failed") };
  const q = parsed.data;
  const flow = await unseal<SignInFlow>(cookieValue, SIGN_IN_SECONDS);
  if (!flow || !q.state || !statesEqual(flow.state, q.state)) return { kind: "problem", problem: problem("sign_in_failed") };
  if (q.error || !q.code) {
    const aadsts = aadstsCodeOf(q.error_description);
    const code = aadsts ? `AADSTS${aadsts}` : (q.error ?? "no_code");
    return { kind: "problem", problem: problem("sign_in_failed", [{ label: "Error", value: code }]) };
  }
  let user;
  try {
    user = await completeSignIn(q.code, flow);
  } catch (error) {
    const message = error instanceof Error ? error.message : "unknown error";
    return { kind: "problem", problem: problem("sign_in_failed", [{ label: "Detail", value: message.slice(0, 300) }]) };
  }
  const partnerTenantId = getConfig().partnerTenantId;
  if (user.tenantId !== partnerTenantId) {
    await appendAudit(db, { actor: user.username, action: "partner.sign_in_refused", details: { tenantId: user.tenantId }, ...meta });
    return {
      kind: "problem",
      problem: problem("not_partner", [
        { label: "Signed in as", value: user.username },
        { label: "Your tenant", value: user.tenantId },
      ]),
    };
  }
  const role = partnerRoleFromClaims(user.roles);
  if (!role) {
    await appendAudit(db, { actor: user.username, action: "partner.sign_in_refused_no_role", details: { oid: user.oid, roles: user.roles }, ...meta });
    return { kind: "problem", problem: noRolePage(user.username) };
  }
  const { version } = await getPartnerSessionVersion(db);
  await appendAudit(db, { actor: user.username, action: "partner.signed_in", details: { oid: user.oid, role, roles: user.roles }, ...meta });
  const now = Date.now();
  return {
    kind: "signed-in",
    returnTo: flow.returnTo,
    sessionCookie: await sealPartnerSession({ oid: user.oid, tenantId: user.tenantId, username: user.username, name: user.name, role, signedInAt: now, lastSeenAt: now, sessionVersion: version }, now),
  };
}
