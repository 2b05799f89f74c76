import "server-only";

import { authenticateApiKey } from "@/lib/auth/api-keys";
import { hasRole, type PartnerRole } from "@/lib/auth/roles";
import { getDb } from "@/lib/db/database";
import { AppError } from "@/lib/errors";
import { consumeApiKeyRequest } from "@/lib/http/api-rate-limit";
import { SESSION_COOKIE, type Partner } from "@/lib/session/partner-session";
import { requirePartnerForApi } from "@/lib/session/require-partner";

/** What an API handler needs of its request. */
export interface ApiRequest {
  headers: Headers;
  cookies: { get(name: string): { value: string } | undefined };
}

/**
 * Every /api/v1 handler starts here. `Authorization: Bearer <key>` names an API key (401 when it
 * is missing, malformed, unknown or revoked; 429 past its rate limit; 403 when its role is too
 * low); without that header, the signed-in partner's session cookie, as the dashboard's own
 * calls send it.
 */
export async function requireApiCaller(request: ApiRequest, minimum: PartnerRole): Promise<Partner> {
  const authorization = request.headers.get("authorization");
  if (authorization === null) return requirePartnerForApi(request.cookies.get(SESSION_COOKIE)?.value, minimum);
  const caller = await authenticateApiKey(await getDb(), authorization);
  if (!caller) throw new AppError("unauthenticated", "The API key is missing, malformed, unknown or revoked. Send Authorization: Bearer <key> with a key from the settings page or `npm run -s apikey -- create`.");
  await consumeApiKeyRequest(caller.oid);
  if (!hasRole(caller.role, minimum)) {
    throw new AppError("forbidden", `This needs the ${minimum} role or higher; the API key "${caller.name}" has the ${caller.role} role. Create a key with the role this needs.`, { cause: { expected: minimum, actual: caller.role } });
  }
  return caller;
}
