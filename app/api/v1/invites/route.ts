import { createInviteForApi, readJsonBody } from "@/lib/api/resources";
import { MINIMUM_ROLE } from "@/lib/auth/roles";
import { getDb } from "@/lib/db/database";
import { apiRoute } from "@/lib/http/api-route";
import { listInvitesPage, parseInviteListQuery } from "@/lib/invites/invite-list";
import { requestOrigin } from "@/lib/http/request-meta";

export const dynamic = "force-dynamic";

// GET /api/v1/invites — search and page through the invites, newest first (cursor paging).
export const GET = apiRoute(MINIMUM_ROLE.viewDashboard, async ({ request }) => listInvitesPage(await getDb(), parseInviteListQuery(request.nextUrl.searchParams)));

// POST /api/v1/invites — a new invite; its link is in the answer, once.
export const POST = apiRoute(MINIMUM_ROLE.manageInvites, async ({ request, caller }) =>
  Response.json(await createInviteForApi(await getDb(), caller, await readJsonBody(request), requestOrigin(request.headers)), { status: 201, headers: { "cache-control": "no-store" } }),
);
