import { MINIMUM_ROLE } from "@/lib/auth/roles";
import { getDb } from "@/lib/db/database";
import { apiRoute } from "@/lib/http/api-route";
import { listTenantsPage, parseTenantListQuery } from "@/lib/tenants/tenant-list";

export const dynamic = "force-dynamic";

// GET /api/v1/tenants — search, filter, sort and page through the tenants (cursor paging).
export const GET = apiRoute(MINIMUM_ROLE.viewDashboard, async ({ request }) => listTenantsPage(await getDb(), parseTenantListQuery(request.nextUrl.searchParams)));
