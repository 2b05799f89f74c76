import { readJsonBody } from "@/lib/api/resources";
import { MINIMUM_ROLE } from "@/lib/auth/roles";
import { getDb } from "@/lib/db/database";
import { apiRoute } from "@/lib/http/api-route";
import { requestOrigin } from "@/lib/http/request-meta";
import { deleteWebhookForApi, getWebhookForApi, updateWebhookForApi } from "@/lib/webhooks/api";

export const dynamic = "force-dynamic";

// GET /api/v1/webhooks/<id> — one endpoint.
export const GET = apiRoute<{ id: string }>(MINIMUM_ROLE.viewDashboard, async ({ params }) => getWebhookForApi(await getDb(), params.id));

// PATCH /api/v1/webhooks/<id> — events, description, enabled.
export const PATCH = apiRoute<{ id: string }>(MINIMUM_ROLE.manageWebhooks, async ({ request, caller, params }) =>
  updateWebhookForApi(await getDb(), caller, params.id, await readJsonBody(request), requestOrigin(request.headers)),
);

// DELETE /api/v1/webhooks/<id> — the endpoint and its deliveries.
export const DELETE = apiRoute<{ id: string }>(MINIMUM_ROLE.manageWebhooks, async ({ request, caller, params }) => deleteWebhookForApi(await getDb(), caller, params.id, requestOrigin(request.headers)));
