import type { NextRequest } from "next/server";

import { getDb } from "@/lib/db/database";
import { AppError, toProblemResponse } from "@/lib/errors";
import { bulkProgressView } from "@/lib/probes/bulk";
import { MINIMUM_ROLE } from "@/lib/auth/roles";
import { SESSION_COOKIE } from "@/lib/session/partner-session";
import { requirePartnerForApi } from "@/lib/session/require-partner";
import { isGuid } from "@/lib/identity/tenant-id";

export const dynamic = "force-dynamic";

// GET /api/bulk-runs/<id> — progress of a bulk re-test, for the live progress view.
export async function GET(request: NextRequest, { params }: { params: Promise<{ id: string }> }) {
  try {
    await requirePartnerForApi(request.cookies.get(SESSION_COOKIE)?.value, MINIMUM_ROLE.viewBulkProgress);
    const id = (await params).id;
    const view = isGuid(id) ? await bulkProgressView(await getDb(), id) : null;
    if (!view) throw new AppError("bulk_run_not_found", "No such bulk run.");
    return Response.json(view, { headers: { "cache-control": "no-store" } });
  } catch (error) {
    return toProblemResponse(error, request.nextUrl.pathname);
  }
}
