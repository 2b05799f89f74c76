import { getBulkRunForApi } from "@/lib/api/resources";
import { MINIMUM_ROLE } from "@/lib/auth/roles";
import { getDb } from "@/lib/db/database";
import { apiRoute } from "@/lib/http/api-route";

export const dynamic = "force-dynamic";

// GET /api/v1/bulk-runs/<id> — progress: done, failed, remaining, rate, ETA.
export const GET = apiRoute<{ id: string }>(MINIMUM_ROLE.viewBulkProgress, async ({ params }) => getBulkRunForApi(await getDb(), params.id));
