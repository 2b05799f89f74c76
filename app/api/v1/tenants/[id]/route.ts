import { MINIMUM_ROLE } from "@/lib/auth/roles";
import { getDb } from "@/lib/db/database";
import { apiRoute } from "@/lib/http/api-route";
import { requestOrigin } from "@/lib/http/request-meta";
import { getTenantDetailForApi } from "@/lib/tenants/tenant-detail";
import { offboardTenant } from "@/lib/tenants/offboard";

export const dynamic = "force-dynamic";

// GET /api/v1/tenants/<id> — one tenant with its truth table and latest findings.
export const GET = apiRoute<{ id: string }>(MINIMUM_ROLE.viewDashboard, async ({ params }) => getTenantDetailForApi(await getDb(), params.id));

// DELETE /api/v1/tenants/<id> — remove the tenant and its data from Consentry (the audit entry stays); answers what the customer does next.
export const DELETE = apiRoute<{ id: string }>(MINIMUM_ROLE.offboardTenant, async ({ request, caller, params }) => offboardTenant(await getDb(), caller, params.id, requestOrigin(request.headers)));
