import { MINIMUM_ROLE } from "@/lib/auth/roles";
import { getDb } from "@/lib/db/database";
import { apiRoute } from "@/lib/http/api-route";
import { requestOrigin } from "@/lib/http/request-meta";
import { redeliverForApi } from "@/lib/webhooks/api";

export const dynamic = "force-dynamic";

// POST /api/v1/webhooks/deliveries/<id>/redeliver — sends a delivery again now (same webhook-id).
export const POST = apiRoute<{ id: string }>(MINIMUM_ROLE.manageWebhooks, async ({ request, caller, params }) => redeliverForApi(await getDb(), caller, params.id, requestOrigin(request.headers)));
