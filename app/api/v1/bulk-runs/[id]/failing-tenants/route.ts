import { listFailingTenantsOfBulkRun } from "@/lib/api/resources";
import { MINIMUM_ROLE } from "@/lib/auth/roles";
import { getDb } from "@/lib/db/database";
import { apiRoute } from "@/lib/http/api-route";

export const dynamic = "force-dynamic";

// GET /api/v1/bulk-runs/<id>/failing-tenants — the tenants whose checks failed in that run.
export const GET = apiRoute<{ id: string }>(MINIMUM_ROLE.viewBulkProgress, async ({ params }) => listFailingTenantsOfBulkRun(await getDb(), params.id));
