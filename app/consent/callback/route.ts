import { NextResponse, type NextRequest } from "next/server";

import { handleConsentCallback } from "@/lib/consent/callback";
import { CONSENT_COOKIE } from "@/lib/consent/consent-cookie";
import { getConfig } from "@/lib/config";
import { PROBLEM_PAGE_HEADERS, renderProblemHtml, renderProblemPage } from "@/lib/consent/problem-page";
import { ensureVerification } from "@/lib/consent/verify";
import { getDb } from "@/lib/db/database";
import { resolveTenantId } from "@/lib/identity/tenant-discovery";
import { requestOrigin } from "@/lib/session/partner-session";
import { problem } from "@/lib/consent/problems";

export const dynamic = "force-dynamic";

// GET /consent/callback — Microsoft redirects here after admin consent (success or error).
export async function GET(request: NextRequest) {
  try {
    const db = await getDb();
    const outcome = await handleConsentCallback(
      db,
      { search: request.nextUrl.search, cookieValue: request.cookies.get(CONSENT_COOKIE)?.value, meta: requestOrigin(request.headers) },
      { resolveTenantId, startVerification: (id) => void ensureVerification(db, id) },
    );
    const response =
      outcome.kind === "verifying"
        ? NextResponse.redirect(`${getConfig().publicBaseUrl}/consent/result/${outcome.attemptId}`, 303)
        : new NextResponse(renderProblemHtml(outcome.problem), { status: outcome.problem.status, headers: PROBLEM_PAGE_HEADERS });
    if (outcome.cookie) response.cookies.set(outcome.cookie.name, outcome.cookie.value, outcome.cookie.options);
    response.headers.set("cache-control", "no-store");
    return response;
  } catch (error) {
    console.error("[consent] callback failed:", error instanceof Error ? error.message : error);
    return renderProblemPage({ ...problem("consent_error"), status: 500, title: "Something went wrong on our side", explanation: "The answer from Microsoft could not be processed. It has been logged." });
  }
}
