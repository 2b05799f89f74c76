import type { NextRequest } from "next/server";

import { handleConsentCallback } from "@/lib/consent/callback";
import { CONSENT_COOKIE } from "@/lib/consent/consent-cookie";
import { consentProblem, consentRedirect } from "@/lib/consent/consent-responses";
import { consentCallbackDeps } from "@/lib/consent/customer-sign-in";
import { internalProblem } from "@/lib/consent/problems";
import { getDb } from "@/lib/db/database";
import { logger } from "@/lib/log/logger";
import { withRequestId } from "@/lib/log/request-context";
import { requestOrigin } from "@/lib/http/request-meta";

export const dynamic = "force-dynamic";

// GET /consent/callback — Microsoft redirects here after admin consent (success or error).
export const GET = withRequestId(async (request: NextRequest) => {
  try {
    const outcome = await handleConsentCallback(
      await getDb(),
      { search: request.nextUrl.search, cookieValue: request.cookies.get(CONSENT_COOKIE)?.value, meta: requestOrigin(request.headers) },
      consentCallbackDeps(),
    );
    return outcome.kind === "sign-in" ? consentRedirect(outcome.url, [outcome.cookie]) : consentProblem(outcome.problem, outcome.retryPath, outcome.cookie ? [outcome.cookie] : []);
  } catch (error) {
    logger("consent").error({ err: error }, "consent callback failed");
    return consentProblem(internalProblem("The answer from Microsoft could not be processed. It has been logged.", "consent_error"), null, []);
  }
});
