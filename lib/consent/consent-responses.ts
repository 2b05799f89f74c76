import "server-only";

import { NextResponse } from "next/server";

import type { SealedCookie } from "@/lib/consent/consent-cookie";
import { PROBLEM_PAGE_HEADERS, renderProblemHtml } from "@/lib/consent/problem-page";
import type { Problem } from "@/lib/consent/problems";

/**
 * The responses of the consent routes: a redirect, or a problem page offering "Try
 * again" when the consent page it started from can still be used; either way with the
 * cookies the step sealed, and never cached.
 */
export function consentRedirect(url: string, cookies: SealedCookie[]): Response {
  return withCookies(NextResponse.redirect(url, 303), cookies);
}

export function consentProblem(problem: Problem, retryPath: string | null, cookies: SealedCookie[]): Response {
  const links = retryPath ? [{ href: retryPath, label: "Try again" }] : [];
  return withCookies(new NextResponse(renderProblemHtml(problem, links), { status: problem.status, headers: PROBLEM_PAGE_HEADERS }), cookies);
}

function withCookies(response: NextResponse, cookies: SealedCookie[]): NextResponse {
  for (const c of cookies) response.cookies.set(c.name, c.value, c.options);
  response.headers.set("cache-control", "no-store");
  return response;
}
