import { NextResponse, type NextRequest } from "next/server";

import { renderProblemPage } from "@/lib/consent/problem-page";
import { startConsent } from "@/lib/consent/start-consent";
import { getDb } from "@/lib/db/database";
import { toErrorResponse } from "@/lib/errors";
import { requestOrigin } from "@/lib/session/partner-session";

/** Shared by /consent/<code>/start and /consent/start: seal a state, go to Microsoft. */
export async function handleStart(request: NextRequest, code: string | null): Promise<Response> {
  try {
    const outcome = await startConsent(await getDb(), code, requestOrigin(request.headers));
    if (outcome.kind === "problem") return renderProblemPage(outcome.problem);
    const response = NextResponse.redirect(outcome.url, 303);
    response.cookies.set(outcome.cookie.name, outcome.cookie.value, outcome.cookie.options);
    response.headers.set("cache-control", "no-store");
    response.headers.set("referrer-policy", "no-referrer");
    return response;
  } catch (error) {
    return toErrorResponse(error);
  }
}
