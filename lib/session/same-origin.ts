/**
 * Whether a state-changing request was sent by one of the portal's own pages. Browsers
 * send `Origin` on every cross-origin request and on every POST; when it is missing
 * (some privacy settings strip it), `Sec-Fetch-Site` — which a page cannot forge — must
 * say `same-origin`. Neither header present means a non-browser client or a very old
 * browser; both are refused. SameSite=Lax is not enough here: a cross-site form POST
 * arrives without the cookie, but the browser still applies the answer's Set-Cookie, so
 * without this check any site could sign a partner out (logout CSRF).
 *
 * @see https://owasp.org/www-community/pages/attacks/csrf
 * @see https://www.w3.org/TR/fetch-metadata/#sec-fetch-site-header
 */
export type SameOriginVerdict =
  | { sameOrigin: true }
  | { sameOrigin: false; reason: "origin_mismatch" | "cross_site" | "no_origin"; origin: string | null; fetchSite: string | null };

export function checkSameOrigin(headers: Headers, publicBaseUrl: string): SameOriginVerdict {
  const expected = new URL(publicBaseUrl).origin;
  const origin = headers.get("origin");
  const fetchSite = headers.get("sec-fetch-site");
  if (origin !== null) {
    // "null" (sandboxed frames, some redirects) never equals a real origin.
    return origin === expected ? { sameOrigin: true } : { sameOrigin: false, reason: "origin_mismatch", origin, fetchSite };
  }
  if (fetchSite === "same-origin") return { sameOrigin: true };
  return { sameOrigin: false, reason: fetchSite === null ? "no_origin" : "cross_site", origin, fetchSite };
}
