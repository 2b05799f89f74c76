import "server-only";

import type { NextRequest, NextResponse } from "next/server";

import { readPartnerSession, sealPartnerSession, SESSION_COOKIE } from "@/lib/session/partner-session";
import { needsRefresh, remainingSessionSeconds } from "@/lib/session/session-lifetime";

/**
 * Counts a dashboard request as activity: re-seals the session cookie with `lastSeenAt`
 * = now, so the idle timeout restarts. Pages cannot set cookies in Next, so proxy.ts calls
 * this for every request it passes on under /dashboard (pages and the server actions
 * posted to them), with the response it is about to return.
 *
 * It never revives a session: one past its absolute or idle limit is left as it is, and
 * the page's guard sends its holder to sign in. The session version is not checked here
 * (that needs the database); a signed-out session refreshed here is still refused by the
 * guard. Router prefetches are not activity, and a cookie refreshed less than a minute
 * ago is left alone so that most responses carry no Set-Cookie.
 */
export async function refreshPartnerSession(request: NextRequest, response: NextResponse, now: number = Date.now()): Promise<void> {
  if (request.headers.has("next-router-prefetch")) return;
  const value = request.cookies.get(SESSION_COOKIE)?.value;
  if (!value) return;
  const partner = await readPartnerSession(value, now);
  // In its last second a session has no whole second left to seal for; let it end.
  if (!partner || !needsRefresh(partner, now) || remainingSessionSeconds(partner, now) < 1) return;
  const cookie = await sealPartnerSession({ ...partner, lastSeenAt: now }, now);
  response.cookies.set(cookie.name, cookie.value, cookie.options);
}
