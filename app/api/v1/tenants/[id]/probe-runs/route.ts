import { readJsonBody, startProbeRunForApi } from "@/lib/api/resources";
import { MINIMUM_ROLE } from "@/lib/auth/roles";
import { getDb } from "@/lib/db/database";
import { apiRoute } from "@/lib/http/api-route";
import { requestOrigin } from "@/lib/http/request-meta";

export const dynamic = "force-dynamic";

// POST /api/v1/tenants/<id>/probe-runs — probe the tenant now (N times for a pass rate); answers the recorded run.
export const POST = apiRoute<{ id: string }>(MINIMUM_ROLE.runProbes, async ({ request, caller, params }) =>
  Response.json(await startProbeRunForApi(await getDb(), caller, params.id, await readJsonBody(request), requestOrigin(request.headers)), { status: 201, headers: { "cache-control": "no-store" } }),
);
