import { revokeInviteForApi } from "@/lib/api/resources";
import { MINIMUM_ROLE } from "@/lib/auth/roles";
import { getDb } from "@/lib/db/database";
import { apiRoute } from "@/lib/http/api-route";
import { requestOrigin } from "@/lib/http/request-meta";

export const dynamic = "force-dynamic";

// POST /api/v1/invites/<id>/revoke — the link stops working; revoking twice is not an error.
export const POST = apiRoute<{ id: string }>(MINIMUM_ROLE.manageInvites, async ({ request, caller, params }) => revokeInviteForApi(await getDb(), caller, params.id, requestOrigin(request.headers)));
