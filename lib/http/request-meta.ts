import "server-only";

import { clientAddress } from "@/lib/http/client-address";

/** Where a request came from, as the audit log and consent records keep it. */
export interface Meta {
  ip: string | null;
  userAgent: string | null;
}

/** For work no request asked for (start-up, schedules, scripts). */
export const NO_REQUEST_META: Meta = { ip: null, userAgent: null };

/** A request's {@link Meta}: the client address as far as TRUSTED_PROXIES vouch for it, and its user agent (at most 300 characters). */
export function requestOrigin(h: Headers): Meta {
  // The socket's address, or X-Forwarded-For only as far as TRUSTED_PROXIES vouch for it.
  return { ip: clientAddress(h), userAgent: h.get("user-agent")?.slice(0, 300) ?? null };
}
