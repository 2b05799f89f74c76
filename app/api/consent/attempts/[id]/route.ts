import type { NextRequest } from "next/server";

import { BOUND_COOKIE } from "@/lib/consent/bound-cookie";
import { getConsentAttemptStatus } from "@/lib/consent/views";
import { toErrorResponse } from "@/lib/errors";

export const dynamic = "force-dynamic";

// GET /api/consent/attempts/<id> — what the result page polls while Microsoft finishes a consent (the bound browser only).
export async function GET(request: NextRequest, { params }: { params: Promise<{ id: string }> }) {
  try {
    const status = await getConsentAttemptStatus((await params).id, request.cookies.get(BOUND_COOKIE)?.value);
    if (!status) return Response.json({ error: { code: "not_found", message: "No consent result for this browser." } }, { status: 404, headers: { "cache-control": "no-store" } });
    return Response.json(status, { headers: { "cache-control": "no-store" } });
  } catch (error) {
    return toErrorResponse(error);
  }
}
