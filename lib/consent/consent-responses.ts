import "server-only";

import type { SealedCookie } from "@/lib/consent/consent-cookie";
import { PROBLEM_PAGE_HEADERS, renderProblemHtml } from "@/lib/consent/problem-page";
import type { Problem } from "@/lib/consent/problems";

/**
 * The responses of the consent callbacks: a redirect, or a problem page offering "Try
 * again" when the consent page it started from can still be used; either way with the
 * cookies the step sealed, and never cached.
 */
export function consentRedirect(url: string, cookies: SealedCookie[]): Response {
  return withCookies(new Response(null, { status: 303, headers: { location: url } }), cookies);
}

export function consentProblem(problem: Problem, retryPath: string | null, cookies: SealedCookie[]): Response {
  const links = retryPath ? [{ href: retryPath, label: "Try again" }] : [];
  return withCookies(new Response(renderProblemHtml(problem, links), { status: problem.status, headers: PROBLEM_PAGE_HEADERS }), cookies);
}

function withCookies(response: Response, cookies: SealedCookie[]): Response {
  for (const c of cookies) {
    const parts = [`${c.name}=${c.value}`, `Path=${c.options.path}`, `Max-Age=${c.options.maxAge}`, "HttpOnly", "SameSite=Lax"];
    if (c.options.secure) parts.push("Secure");
    response.headers.append("set-cookie", parts.join("; "));
  }
  response.headers.set("cache-control", "no-store");
  return response;
}
