import { auditQuerySchema, listAuditForApi } from "@/lib/api/resources";
import { MINIMUM_ROLE } from "@/lib/auth/roles";
import { getDb } from "@/lib/db/database";
import { apiRoute } from "@/lib/http/api-route";
import { parseSearchParams } from "@/lib/http/search-params";

export const dynamic = "force-dynamic";

// GET /api/v1/audit — the audit log, newest first, by action, actor, target and time.
export const GET = apiRoute(MINIMUM_ROLE.viewAuditLog, async ({ request }) => listAuditForApi(await getDb(), parseSearchParams(auditQuerySchema, request.nextUrl.searchParams)));
