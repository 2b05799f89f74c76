import { toProblemResponse } from "@/lib/errors";
import { getPortalStatus } from "@/lib/status/portal-status";

export const dynamic = "force-dynamic";

// GET /api/health — load balancers and the demo script poll this; 200 once the database answers.
export async function GET() {
  try {
    const status = await getPortalStatus();
    return Response.json({ status: "ok", cloud: status.cloud, database: status.database });
  } catch (error) {
    return toProblemResponse(error, "/api/health");
  }
}
