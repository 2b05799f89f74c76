import { readJsonBody } from "@/lib/api/resources";
import { MINIMUM_ROLE } from "@/lib/auth/roles";
import { getDb } from "@/lib/db/database";
import { apiRoute } from "@/lib/http/api-route";
import { requestOrigin } from "@/lib/http/request-meta";
import { createWebhookForApi, listWebhooksForApi } from "@/lib/webhooks/api";

export const dynamic = "force-dynamic";

// GET /api/v1/webhooks — the endpoints, never their secrets.
export const GET = apiRoute(MINIMUM_ROLE.viewDashboard, async () => listWebhooksForApi(await getDb()));

// POST /api/v1/webhooks — a new endpoint; its signing secret is in the answer, once.
export const POST = apiRoute(MINIMUM_ROLE.manageWebhooks, async ({ request, caller }) =>
  Response.json(await createWebhookForApi(await getDb(), caller, await readJsonBody(request), requestOrigin(request.headers)), { status: 201, headers: { "cache-control": "no-store" } }),
);
