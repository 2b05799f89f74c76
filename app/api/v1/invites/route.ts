import { createInviteForApi, inviteListQuerySchema, listInvitesForApi, readJsonBody } from "@/lib/api/resources";
import { MINIMUM_ROLE } from "@/lib/auth/roles";
import { getDb } from "@/lib/db/database";
import { apiRoute } from "@/lib/http/api-route";
import { parseSearchParams } from "@/lib/http/search-params";
import { requestOrigin } from "@/lib/http/request-meta";

export const dynamic = "force-dynamic";

// GET /api/v1/invites — invites, newest first, optionally by state.
export const GET = apiRoute(MINIMUM_ROLE.viewDashboard, async ({ request }) => listInvitesForApi(await getDb(), parseSearchParams(inviteListQuerySchema, request.nextUrl.searchParams)));

// POST /api/v1/invites — a new invite; its link is in the answer, once.
export const POST = apiRoute(MINIMUM_ROLE.manageInvites, async ({ request, caller }) =>
  Response.json(await createInviteForApi(await getDb(), caller, await readJsonBody(request), requestOrigin(request.headers)), { status: 201, headers: { "cache-control": "no-store" } }),
);
