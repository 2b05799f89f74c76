import { checkReadiness } from "@/lib/health/readiness";

export const dynamic = "force-dynamic";

// GET /api/health/ready — readiness for load balancers: 200 when this instance can take work, 503 naming the failing checks.
export async function GET() {
  const report = await checkReadiness();
  return Response.json(report, { status: report.status === "ready" ? 200 : 503, headers: { "cache-control": "no-store" } });
}
