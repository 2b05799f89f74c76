import { startBulkRunForApi } from "@/lib/api/resources";
import { MINIMUM_ROLE } from "@/lib/auth/roles";
import { getDb } from "@/lib/db/database";
import { apiRoute } from "@/lib/http/api-route";
import { requestOrigin } from "@/lib/http/request-meta";

export const dynamic = "force-dynamic";

// POST /api/v1/bulk-runs — re-test every tenant in the background; answers its progress (202).
export const POST = apiRoute(MINIMUM_ROLE.startBulkRun, async ({ request, caller }) =>
  Response.json(await startBulkRunForApi(await getDb(), caller, requestOrigin(request.headers)), { status: 202, headers: { "cache-control": "no-store" } }),
);
