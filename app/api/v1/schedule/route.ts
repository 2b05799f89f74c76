import { readJsonBody } from "@/lib/api/resources";
import { MINIMUM_ROLE } from "@/lib/auth/roles";
import { getDb } from "@/lib/db/database";
import { apiRoute } from "@/lib/http/api-route";
import { getScheduleView, setScheduleForApi } from "@/lib/schedules/schedule";
import { requestOrigin } from "@/lib/http/request-meta";

export const dynamic = "force-dynamic";

// GET /api/v1/schedule — the re-test schedule, when it is next due and its last run.
export const GET = apiRoute(MINIMUM_ROLE.viewDashboard, async () => getScheduleView(await getDb()));

// PUT /api/v1/schedule — sets the re-test schedule (audited).
export const PUT = apiRoute(MINIMUM_ROLE.manageSchedule, async ({ request, caller }) => setScheduleForApi(await getDb(), caller, await readJsonBody(request), requestOrigin(request.headers)));
