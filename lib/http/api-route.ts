import "server-only";

import type { NextRequest } from "next/server";

import type { PartnerRole } from "@/lib/auth/roles";
import { toProblemResponse } from "@/lib/errors";
import { withRequestId } from "@/lib/log/request-context";
import type { Partner } from "@/lib/session/partner-session";
import { requireApiCaller } from "@/lib/session/api-caller";

export interface ApiContext<P> {
  request: NextRequest;
  caller: Partner;
  params: P;
}

/**
 * A /api/v1 route handler: authorizes the caller (API key or session) for `minimum`, runs the
 * handler and answers its value as JSON (a Response is passed through), every error as RFC 9457
 * problem details from the one mapper. Nothing is cached. It runs under the request's ID (log
 * lines, `client-request-id` to Microsoft).
 */
export function apiRoute<P = Record<string, never>>(minimum: PartnerRole, handler: (context: ApiContext<P>) => Promise<unknown>) {
  return withRequestId(async (request: NextRequest, route: { params: Promise<P> }): Promise<Response> => {
    try {
      const caller = await requireApiCaller(request, minimum);
      const result = await handler({ request, caller, params: await route.params });
      if (result instanceof Response) return result;
      return Response.json(result, { headers: { "cache-control": "no-store" } });
    } catch (error) {
      return toProblemResponse(error, request.nextUrl.pathname);
    }
  });
}
