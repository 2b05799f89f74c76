import { NextResponse, type NextRequest } from "next/server";

import { getConfig } from "@/lib/config";
import { PROBLEM_PAGE_STYLE_HASH, renderProblemPage } from "@/lib/consent/problem-page";
import { clientAddress } from "@/lib/http/client-address";
import { inviteLinkProblem } from "@/lib/http/invite-link";
import { classifyRateLimitedRoute, getRateLimiter, rateLimitedResponse } from "@/lib/http/rate-limit";
import { applySecurityHeaders, buildSecurityHeaders, createNonce } from "@/lib/http/security-headers";
import { logger } from "@/lib/log/logger";
import { runWithRequestId } from "@/lib/log/request-context";
import { REQUEST_ID_HEADER, requestIdOrNew } from "@/lib/log/request-id";
import { refreshPartnerSession } from "@/lib/session/refresh-partner-session";

/**
 * Runs before every request (no matcher: pages, route handlers, API and static files).
 * It gives each response the security headers and a fresh CSP nonce, which Next reads
 * from the request's Content-Security-Policy header and puts on its own scripts; it
 * applies the public routes' rate limits, answers unusable invite links with 404/410,
 * and tells pages which path was requested so requirePartner() can send a signed-out
 * visitor to sign-in and back. Authorization itself happens in each page and action.
 * Each request gets its ID here (the client's `x-request-id` if it is a GUID, else a new one):
 * passed to the app as `x-request-id`, echoed on the response, and carried by the app into its
 * log lines and its calls to Microsoft (lib/log/request-context.ts).
 *
 * Proxy runs in the Node.js runtime, in the server's process (Next 16: "Proxy defaults
 * to using the Node.js runtime"; next-server.js runs it in-process), so the in-memory
 * rate-limit counters and the database handle on globalThis are the app's own.
 * @see https://nextjs.org/docs/app/api-reference/file-conventions/proxy
 * @see https://nextjs.org/docs/app/guides/content-security-policy#adding-a-nonce-with-proxy
 */
export async function proxy(request: NextRequest): Promise<Response> {
  const requestId = requestIdOrNew(request.headers.get(REQUEST_ID_HEADER));
  const response = await runWithRequestId(requestId, () => proxyRequest(request, requestId));
  response.headers.set(REQUEST_ID_HEADER, requestId);
  return response;
}

async function proxyRequest(request: NextRequest, requestId: string): Promise<Response> {
  const { pathname } = request.nextUrl;
  const config = getConfig();
  const nonce = createNonce();
  const security = buildSecurityHeaders({
    pathname,
    nonce,
    https: config.publicBaseUrl.startsWith("https://"),
    // NODE_ENV is fixed by Next at build time (the CSP guide's own test for development).
    dev: process.env.NODE_ENV === "development",
    formTargets: [config.cloud.loginHost],
    styleHashes: [PROBLEM_PAGE_STYLE_HASH],
  });

  const route = classifyRateLimitedRoute(request.method, pathname);
  if (route) {
    const verdict = await getRateLimiter().check(route, clientAddress(request.headers));
    if (!verdict.allowed) return applySecurityHeaders(rateLimitedResponse(route, verdict), security);
  }

  if (route?.group === "consent-page" && route.invite !== null) {
    const unusable = await inviteLinkProblem(route.invite).catch((error: unknown) => {
      // The page looks the invite up again and reports a database failure itself.
      logger("proxy").error({ err: error }, "invite lookup failed");
      return null;
    });
    if (unusable) return applySecurityHeaders(renderProblemPage(unusable), security);
  }

  const headers = new Headers(request.headers);
  headers.set(REQUEST_ID_HEADER, requestId);
  headers.set("x-nonce", nonce);
  headers.set("content-security-policy", security["content-security-policy"]!);
  const dashboard = pathname === "/dashboard" || pathname.startsWith("/dashboard/");
  if (dashboard) headers.set("x-consentry-path", `${pathname}${request.nextUrl.search}`);
  else headers.delete("x-consentry-path");
  const response = NextResponse.next({ request: { headers } });
  // A person using the dashboard keeps their session alive (the idle timeout); API polling does not.
  if (dashboard) await refreshPartnerSession(request, response);
  return applySecurityHeaders(response, security);
}
