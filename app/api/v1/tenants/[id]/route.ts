import { MINIMUM_ROLE } from "@/lib/auth/roles";
import { getDb } from "@/lib/db/database";
import { apiRoute } from "@/lib/http/api-route";
import { getTenantDetailForApi } from "@/lib/tenants/tenant-detail";

export const dynamic = "force-dynamic";

// GET /api/v1/tenants/<id> — one tenant with its truth table and latest findings.
export const GET = apiRoute<{ id: string }>(MINIMUM_ROLE.viewDashboard, async ({ params }) => getTenantDetailForApi(await getDb(), params.id));
