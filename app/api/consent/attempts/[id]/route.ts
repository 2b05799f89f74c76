import type { NextRequest } from "next/server";

import { BOUND_COOKIE } from "@/lib/consent/bound-cookie";
import { getConsentAttemptStatus } from "@/lib/consent/views";
import { AppError, toProblemResponse } from "@/lib/errors";

export const dynamic = "force-dynamic";

// GET /api/consent/attempts/<id> — what the result page polls while Microsoft finishes a consent (the bound browser only).
export async function GET(request: NextRequest, { params }: { params: Promise<{ id: string }> }) {
  try {
    const status = await getConsentAttemptStatus((await params).id, request.cookies.get(BOUND_COOKIE)?.value);
    // Another browser and an unknown ID get the same answer.
    if (!status) throw new AppError("not_found", "There is no consent result for this browser.");
    return Response.json(status, { headers: { "cache-control": "no-store" } });
  } catch (error) {
    return toProblemResponse(error, request.nextUrl.pathname);
  }
}
