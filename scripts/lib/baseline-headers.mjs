// Security headers our server puts on every response before Next.js handles the request.
// proxy.ts replaces them with the full per-request set (lib/http/security-headers.ts) on
// every request it sees; these cover the answers Next gives before the proxy runs (the
// "/path/" and "//path" redirects, requests it cannot parse). They are the strict set of
// a page that runs nothing; tests/unit/http/baseline-headers.test.ts holds them equal to
// what lib/http/security-headers.ts builds for such a page. Plain JavaScript: the server
// runs without TypeScript.

/** @param {{ https: boolean }} options */
export function baselineSecurityHeaders({ https }) {
  return {
    "content-security-policy": "default-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    ...(https ? { "strict-transport-security": "max-age=31536000; includeSubDomains" } : {}),
  };
}
