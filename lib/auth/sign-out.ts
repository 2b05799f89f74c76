import "server-only";

import { signOutRefusedPage } from "@/lib/auth/access-pages";
import { getConfig } from "@/lib/config";
import type { AppError } from "@/lib/errors";
import type { Db } from "@/lib/db/database";
import { appendAudit } from "@/lib/db/repositories/audit";
import type { Meta } from "@/lib/http/request-meta";
import { readPartnerSession } from "@/lib/session/partner-session";
import { checkSameOrigin } from "@/lib/session/same-origin";

export type SignOutOutcome = { kind: "signed-out" } | { kind: "refused"; page: AppError };

/**
 * POST /auth/signout: only a request from the portal's own pages may end the session;
 * anything else is refused and the cookie kept (see lib/session/same-origin.ts for why
 * SameSite alone does not protect sign-out).
 */
export async function signOutPartner(db: Db, headers: Headers, cookieValue: string | undefined, meta: Meta): Promise<SignOutOutcome> {
  if (!checkSameOrigin(headers, getConfig().publicBaseUrl).sameOrigin) return { kind: "refused", page: signOutRefusedPage() };
  const partner = await readPartnerSession(cookieValue);
  if (partner) await appendAudit(db, { actor: partner.username, action: "partner.signed_out", ...meta });
  return { kind: "signed-out" };
}
