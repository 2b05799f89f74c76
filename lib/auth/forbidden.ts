import "server-only";

import { z } from "zod";

import { forbiddenPage, malformedForbiddenLinkPage } from "@/lib/auth/access-pages";
import { safeReturnTo } from "@/lib/auth/partner-sign-in";
import { hasRole, PARTNER_ROLES } from "@/lib/auth/roles";
import type { AppError } from "@/lib/errors";
import type { SessionLookup } from "@/lib/session/partner-session";
import { signInPath } from "@/lib/session/require-partner";

const querySchema = z.object({ needs: z.enum(PARTNER_ROLES), from: z.string().optional() });

export type ForbiddenOutcome = { kind: "page"; page: AppError } | { kind: "redirect"; to: string };

/**
 * GET /auth/forbidden?needs=<role>&from=<path>, where requirePartner sends a page whose
 * role is too low. The address is public, so it is checked again rather than believed:
 * without a session it leads to sign-in, and with enough role straight back to the page.
 */
export function explainForbidden(search: URLSearchParams, lookup: SessionLookup): ForbiddenOutcome {
  const parsed = querySchema.safeParse(Object.fromEntries(search));
  if (!parsed.success) return { kind: "page", page: malformedForbiddenLinkPage() };
  const from = safeReturnTo(parsed.data.from);
  if (lookup.status !== "active") return { kind: "redirect", to: signInPath(from, lookup.status) };
  if (hasRole(lookup.partner.role, parsed.data.needs)) return { kind: "redirect", to: from };
  return { kind: "page", page: forbiddenPage(lookup.partner, parsed.data.needs, from) };
}
