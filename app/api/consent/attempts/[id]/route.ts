import { getConsentAttemptStatus } from "@/lib/consent/views";
import { toErrorResponse } from "@/lib/errors";

export const dynamic = "force-dynamic";

// GET /api/consent/attempts/<id> — what the result page polls while Microsoft finishes a consent.
export async function GET(_request: Request, { params }: { params: Promise<{ id: string }> }) {
  try {
    const status = await getConsentAttemptStatus((await params).id);
    if (!status) return Response.json({ error: { code: "not_found", message: "No such consent attempt." } }, { status: 404 });
    return Response.json(status, { headers: { "cache-control": "no-store" } });
  } catch (error) {
    return toErrorResponse(error);
  }
}
