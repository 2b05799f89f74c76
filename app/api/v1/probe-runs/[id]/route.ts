import { getProbeRunForApi } from "@/lib/api/resources";
import { MINIMUM_ROLE } from "@/lib/auth/roles";
import { getDb } from "@/lib/db/database";
import { apiRoute } from "@/lib/http/api-route";

export const dynamic = "force-dynamic";

// GET /api/v1/probe-runs/<id> — one run with every result and finding.
export const GET = apiRoute<{ id: string }>(MINIMUM_ROLE.viewDashboard, async ({ params }) => getProbeRunForApi(await getDb(), params.id));
