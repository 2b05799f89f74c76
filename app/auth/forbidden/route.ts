import { NextResponse, type NextRequest } from "next/server";

import { explainForbidden } from "@/lib/auth/forbidden";
import { getConfig } from "@/lib/config";
import { renderErrorPage, renderProblemPage } from "@/lib/consent/problem-page";
import { SESSION_COOKIE } from "@/lib/session/partner-session";
import { loadPartnerSession } from "@/lib/session/require-partner";

export const dynamic = "force-dynamic";

// GET /auth/forbidden — the 403 page for a dashboard page the partner's role does not reach (pages cannot answer 403 themselves).
export async function GET(request: NextRequest) {
  try {
    const outcome = explainForbidden(request.nextUrl.searchParams, await loadPartnerSession(request.cookies.get(SESSION_COOKIE)?.value));
    if (outcome.kind === "redirect") return NextResponse.redirect(`${getConfig().publicBaseUrl}${outcome.to}`, 303);
    return renderProblemPage(outcome.page, [{ href: "/dashboard", label: "Back to the dashboard" }]);
  } catch (error) {
    return renderErrorPage(error);
  }
}
