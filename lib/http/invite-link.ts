import "server-only";

import { unusableInviteProblem, type Problem } from "@/lib/consent/problems";
import { getDb } from "@/lib/db/database";
import { findInviteByCode } from "@/lib/invites/invites";

/**
 * Why an invite link cannot be used (unknown 404, expired 410, revoked 410), or null
 * when it can. proxy.ts answers those cases itself because a Next page cannot choose
 * a 410 status (only notFound()'s 404); a read, nothing is written.
 * @see https://www.rfc-editor.org/rfc/rfc9110#section-15.5.11 (410 Gone)
 */
export async function inviteLinkProblem(code: string): Promise<Problem | null> {
  const found = await findInviteByCode(await getDb(), code);
  return found.kind === "ok" ? null : unusableInviteProblem(found.kind);
}
