import { checkLiveness } from "@/lib/health/liveness";

export const dynamic = "force-dynamic";

// GET /api/health — liveness: 200 while the process serves (the demo script and tests poll it). Readiness: /api/health/ready.
export function GET() {
  return Response.json(checkLiveness(), { headers: { "cache-control": "no-store" } });
}
