import type { NextRequest } from "next/server";

import { consentProblem, consentRedirect } from "@/lib/consent/consent-responses";
import { renderErrorPage } from "@/lib/consent/problem-page";
import { startConsent } from "@/lib/consent/start-consent";
import { getDb } from "@/lib/db/database";
import { requestOrigin } from "@/lib/http/request-meta";

/** Shared by POST /consent/<code>/start and POST /consent/start: seal a state, go to Microsoft. */
export async function handleStart(request: NextRequest, code: string | null): Promise<Response> {
  try {
    const outcome = await startConsent(await getDb(), code, requestOrigin(request.headers));
    return outcome.kind === "problem" ? consentProblem(outcome.problem, null, []) : consentRedirect(outcome.url, [outcome.cookie]);
  } catch (error) {
    return renderErrorPage(error);
  }
}

/**
 * A GET of a start URL (a prefetch, a crawler, a pasted link) starts nothing and
 * writes nothing: it leads to the consent page, whose button posts.
 */
export function redirectToConsentPage(request: NextRequest, path: string): Response {
  return new Response(null, { status: 303, headers: { location: new URL(path, request.nextUrl.origin).pathname, "cache-control": "no-store" } });
}
