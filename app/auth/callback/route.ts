import { NextResponse, type NextRequest } from "next/server";

import { finishPartnerSignIn, SIGN_IN_COOKIE } from "@/lib/auth/partner-sign-in";
import { getConfig } from "@/lib/config";
import { PROBLEM_PAGE_HEADERS, renderErrorPage, renderProblemHtml } from "@/lib/consent/problem-page";
import { getDb } from "@/lib/db/database";
import { requestOrigin } from "@/lib/http/request-meta";

export const dynamic = "force-dynamic";

// GET /auth/callback — Microsoft redirects here after partner sign-in.
export async function GET(request: NextRequest) {
  try {
    const outcome = await finishPartnerSignIn(await getDb(), request.nextUrl.searchParams, request.cookies.get(SIGN_IN_COOKIE)?.value, requestOrigin(request.headers));
    const response =
      outcome.kind === "signed-in"
        ? NextResponse.redirect(`${getConfig().publicBaseUrl}${outcome.returnTo}`, 303)
        : new NextResponse(renderProblemHtml(outcome.problem, [{ href: "/auth/signin", label: "Sign in again" }]), { status: outcome.problem.status, headers: PROBLEM_PAGE_HEADERS });
    response.cookies.delete({ name: SIGN_IN_COOKIE, path: "/auth" });
    if (outcome.kind === "signed-in") response.cookies.set(outcome.sessionCookie.name, outcome.sessionCookie.value, outcome.sessionCookie.options);
    return response;
  } catch (error) {
    return renderErrorPage(error);
  }
}
