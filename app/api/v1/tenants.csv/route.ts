import { MINIMUM_ROLE } from "@/lib/auth/roles";
import { getDb } from "@/lib/db/database";
import { apiRoute } from "@/lib/http/api-route";
import { tenantCsvStream } from "@/lib/tenants/tenant-csv";
import { parseTenantListQuery } from "@/lib/tenants/tenant-list";

export const dynamic = "force-dynamic";

// GET /api/v1/tenants.csv — the tenants matching the list's filters, as CSV, streamed.
export const GET = apiRoute(MINIMUM_ROLE.viewDashboard, async ({ request }) => {
  const { limit: _limit, cursor: _cursor, ...query } = parseTenantListQuery(request.nextUrl.searchParams);
  const day = new Date().toISOString().slice(0, 10);
  return new Response(tenantCsvStream(await getDb(), query), {
    headers: { "content-type": "text/csv; charset=utf-8", "content-disposition": `attachment; filename="consentry-tenants-${day}.csv"`, "cache-control": "no-store" },
  });
});
