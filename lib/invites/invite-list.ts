import "server-only";

import { z } from "zod";

import type { Db } from "@/lib/db/database";
import { INVITE_STATES, searchInvites, type Invite } from "@/lib/db/repositories/invites";
import { cursorParamSchema } from "@/lib/db/repositories/keyset";
import { pageLimitParam, parseSearchParams, parseSearchParamsLeniently, searchTextParam } from "@/lib/http/search-params";

/**
 * The invite list's query, from a URL's search parameters (the API and the dashboard's Invites
 * page): validated here, so a forged parameter is a 422 naming it, never a crash.
 */
export const inviteListQuerySchema = z
  .object({
    q: searchTextParam.describe("Part of the customer's name, or the start of the tenant ID or tenant hint."),
    state: z.enum(INVITE_STATES, { error: `must be one of ${INVITE_STATES.join(", ")}` }).optional(),
    limit: pageLimitParam(50),
    cursor: cursorParamSchema.optional(),
  })
  .strict();
export type InviteListQuery = z.output<typeof inviteListQuerySchema>;

/** Reads URL search parameters into a query: repeated or unknown parameters are refused by name. */
export function parseInviteListQuery(params: URLSearchParams): InviteListQuery {
  return parseSearchParams(inviteListQuerySchema, params);
}

/** For a page, not an API: the query with every parameter that does not pass dropped, and why. */
export function readInviteListQueryLeniently(params: URLSearchParams): { query: InviteListQuery; ignored: string[] } {
  return parseSearchParamsLeniently(inviteListQuerySchema, params);
}

/** One page of invites, newest first, and the cursor of the next page (null on the last). */
export async function listInvitesPage(db: Db, query: InviteListQuery, now?: Date): Promise<{ items: Invite[]; nextCursor: string | null }> {
  const { items, next } = await searchInvites(db, { q: query.q, state: query.state, limit: query.limit, cursor: query.cursor, now });
  return { items, nextCursor: next };
}
