import { NextResponse, type NextRequest } from "next/server";

import { signOutPartner } from "@/lib/auth/sign-out";
import { getConfig } from "@/lib/config";
import { renderErrorPage, renderProblemPage } from "@/lib/consent/problem-page";
import { getDb } from "@/lib/db/database";
import { requestOrigin } from "@/lib/http/request-meta";
import { SESSION_COOKIE } from "@/lib/session/partner-session";

export const dynamic = "force-dynamic";

// POST /auth/signout — ends the partner session; only the portal's own pages may ask (no GET: a link or image cannot sign anyone out).
export async function POST(request: NextRequest) {
  try {
    const outcome = await signOutPartner(await getDb(), request.headers, request.cookies.get(SESSION_COOKIE)?.value, requestOrigin(request.headers));
    if (outcome.kind === "refused") return renderProblemPage(outcome.page, [{ href: "/dashboard", label: "Back to the dashboard" }]);
    const response = NextResponse.redirect(`${getConfig().publicBaseUrl}/signin?signedOut=1`, 303);
    response.cookies.delete({ name: SESSION_COOKIE, path: "/" });
    return response;
  } catch (error) {
    return renderErrorPage(error);
  }
}
