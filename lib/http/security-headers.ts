import { createHash } from "node:crypto";

/**
 * The security headers of every response, built in one place. proxy.ts applies them
 * to each request's response (pages, route handlers, API JSON, static files); headers
 * the proxy sets win over a route handler's own, because Next copies a handler's
 * header only when the response does not have it yet (next/dist/server/send-response.js).
 *
 * @see https://nextjs.org/docs/app/guides/content-security-policy
 * @see https://owasp.org/www-project-secure-headers/
 */

export interface SecurityHeaderOptions {
  /** The request's path: decides the Referrer-Policy. */
  pathname: string;
  /** A fresh per-request nonce (see {@link createNonce}) that Next's own scripts get. */
  nonce: string;
  /** PUBLIC_BASE_URL is https: send HSTS and upgrade-insecure-requests. */
  https: boolean;
  /** `next dev`: React needs eval for its debugging stacks and Next injects un-nonced styles. */
  dev: boolean;
  /**
   * Origins forms may end up at besides the portal: the start and sign-in forms post
   * here and are redirected to Microsoft's login host, and form-action also governs
   * the redirects that follow a submission (CSP Level 3, §6.4.1).
   */
  formTargets: string[];
  /** `'sha256-…'` sources for fixed inline <style> blocks (the raw problem page's). */
  styleHashes: string[];
}

/** One year, subdomains included; no preload (that is a decision for the domain's owner). */
const HSTS = "max-age=31536000; includeSubDomains";

/** A nonce for one response: 128 random bits, base64 (CSP's nonce-source grammar). */
export function createNonce(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return Buffer.from(bytes).toString("base64");
}

/** The CSP source expression that allows exactly this inline <style> text. */
export function inlineStyleHash(css: string): string {
  return `'sha256-${createHash("sha256").update(css, "utf8").digest("base64")}'`;
}

/**
 * URLs that carry an invite code, a state, an authorization code or a consent attempt
 * ID: they must never leak to another site through the Referer header.
 */
const SECRET_BEARING_PATHS: RegExp[] = [
  /^\/consent\/./, // /consent/<code>[/start], /consent/callback, /consent/signin/callback, /consent/result/<attempt>
  /^\/auth\/callback(?:\/|$)/,
  /^\/api\/consent\//, // /api/consent/attempts/<attempt>
];

/** `no-referrer` where the URL holds a code or secret, `strict-origin-when-cross-origin` elsewhere. */
export function referrerPolicyFor(pathname: string): "no-referrer" | "strict-origin-when-cross-origin" {
  return SECRET_BEARING_PATHS.some((pattern) => pattern.test(pathname)) ? "no-referrer" : "strict-origin-when-cross-origin";
}

function policy(directives: [string, ...string[]][]): string {
  return directives.map((d) => d.join(" ")).join("; ");
}

/**
 * The page CSP. Scripts run only with this response's nonce; `'strict-dynamic'` lets
 * the framework's nonced scripts load its chunks. Style attributes stay allowed
 * (`style-src-attr`): React renders `style={…}` as attributes, which cannot carry a
 * nonce, and an attribute cannot select or read anything.
 */
export function buildContentSecurityPolicy(o: Omit<SecurityHeaderOptions, "pathname">): string {
  const nonce = `'nonce-${o.nonce}'`;
  const directives: [string, ...string[]][] = [
    ["default-src", "'self'"],
    ["script-src", "'self'", nonce, "'strict-dynamic'", ...(o.dev ? ["'unsafe-eval'"] : [])],
    // In development Next injects styles without a nonce; a nonce would disable 'unsafe-inline'.
    ["style-src", "'self'", ...(o.dev ? ["'unsafe-inline'"] : [nonce, ...o.styleHashes])],
    ["style-src-attr", "'unsafe-inline'"],
    ["img-src", "'self'", "data:", "blob:"],
    ["font-src", "'self'"],
    ["connect-src", "'self'"],
    ["object-src", "'none'"],
    ["base-uri", "'none'"],
    ["form-action", "'self'", ...o.formTargets],
    ["frame-ancestors", "'none'"],
  ];
  if (o.https) directives.push(["upgrade-insecure-requests"]);
  return policy(directives);
}

/** Every security header for one response. */
export function buildSecurityHeaders(o: SecurityHeaderOptions): Record<string, string> {
  const headers: Record<string, string> = {
    "content-security-policy": buildContentSecurityPolicy(o),
    // frame-ancestors is the standard; X-Frame-Options covers browsers that predate it.
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    "referrer-policy": referrerPolicyFor(o.pathname),
  };
  // Browsers ignore HSTS received over http (RFC 6797 §8.1), and a plain-http base URL
  // (localhost) must not be pinned to https.
  if (o.https) headers["strict-transport-security"] = HSTS;
  return headers;
}

/**
 * Headers for a self-contained HTML page that runs no script (the raw problem pages),
 * for the rare response that does not pass through the proxy; when it does, the
 * proxy's headers above take precedence and allow the same inline style. Without
 * style hashes this is also the baseline our server puts on every response
 * (scripts/lib/baseline-headers.mjs).
 */
export function buildScriptlessPageHeaders(styleHashes: string[], options: { https?: boolean } = {}): Record<string, string> {
  return {
    "content-security-policy": policy([
      ["default-src", "'none'"],
      ...(styleHashes.length ? [["style-src", ...styleHashes] as [string, ...string[]]] : []),
      ["base-uri", "'none'"],
      ["form-action", "'self'"],
      ["frame-ancestors", "'none'"],
    ]),
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    ...(options.https ? { "strict-transport-security": HSTS } : {}),
  };
}

/** Sets the headers on a response (overwriting), and returns it. */
export function applySecurityHeaders<R extends Response>(response: R, headers: Record<string, string>): R {
  for (const [name, value] of Object.entries(headers)) response.headers.set(name, value);
  return response;
}
