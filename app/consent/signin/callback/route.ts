import type { NextRequest } from "next/server";

import { BOUND_COOKIE } from "@/lib/consent/bound-cookie";
import { CONSENT_COOKIE } from "@/lib/consent/consent-cookie";
import { consentProblem, consentRedirect } from "@/lib/consent/consent-responses";
import { signInCallbackDeps } from "@/lib/consent/customer-sign-in";
import { internalProblem } from "@/lib/consent/problems";
import { handleSignInCallback } from "@/lib/consent/sign-in-callback";
import { getConfig } from "@/lib/config";
import { getDb } from "@/lib/db/database";
import { logger } from "@/lib/log/logger";
import { withRequestId } from "@/lib/log/request-context";
import { requestOrigin } from "@/lib/http/request-meta";

export const dynamic = "force-dynamic";

// GET /consent/signin/callback — Microsoft redirects here after the customer's sign-in that binds a consent.
export const GET = withRequestId(async (request: NextRequest) => {
  try {
    const db = await getDb();
    const outcome = await handleSignInCallback(
      db,
      {
        search: request.nextUrl.search,
        cookieValue: request.cookies.get(CONSENT_COOKIE)?.value,
        boundCookieValue: request.cookies.get(BOUND_COOKIE)?.value,
        meta: requestOrigin(request.headers),
      },
      signInCallbackDeps(db),
    );
    if (outcome.kind === "bound") return consentRedirect(`${getConfig().publicBaseUrl}/consent/result/${outcome.attemptId}`, outcome.cookies);
    if (outcome.kind === "sign-in") return consentRedirect(outcome.url, [outcome.cookie]);
    return consentProblem(outcome.problem, outcome.retryPath, outcome.cookie ? [outcome.cookie] : []);
  } catch (error) {
    logger("consent").error({ err: error }, "consent sign-in callback failed");
    return consentProblem(internalProblem("The sign-in could not be processed. It has been logged.", "consent_sign_in_failed"), null, []);
  }
});
