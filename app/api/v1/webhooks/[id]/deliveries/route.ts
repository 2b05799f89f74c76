import { MINIMUM_ROLE } from "@/lib/auth/roles";
import { getDb } from "@/lib/db/database";
import { apiRoute } from "@/lib/http/api-route";
import { parseSearchParams } from "@/lib/http/search-params";
import { listWebhookDeliveriesForApi, webhookDeliveryQuerySchema } from "@/lib/webhooks/api";

export const dynamic = "force-dynamic";

// GET /api/v1/webhooks/<id>/deliveries — newest first, with status, attempts, last status code and time.
export const GET = apiRoute<{ id: string }>(MINIMUM_ROLE.viewDashboard, async ({ request, params }) =>
  listWebhookDeliveriesForApi(await getDb(), params.id, parseSearchParams(webhookDeliveryQuerySchema, request.nextUrl.searchParams)),
);
