import "server-only";

import { RateLimiterMemory, RateLimiterRes } from "rate-limiter-flexible";

import { renderProblemPage } from "@/lib/consent/problem-page";
import { AppError, toProblemResponse } from "@/lib/errors";
import { hashInviteCode, isWellFormedInviteCode } from "@/lib/invites/invite-code";

/**
 * Rate limits of the public surface, per client address and per invite code, enforced
 * by proxy.ts before a request reaches its page or route handler.
 *
 * The counters live in this process (rate-limiter-flexible's RateLimiterMemory, a fixed
 * window per key): behind several instances each counts alone, so a client that the
 * load balancer spreads over N instances gets up to N times the limit. The library's
 * PostgreSQL store would share them.
 * @see https://github.com/animir/node-rate-limiter-flexible/wiki/Memory
 */

export type RouteGroup = "consent-page" | "consent-start" | "consent-return" | "partner-sign-in" | "partner-callback" | "attempt-status";

export interface Limit {
  points: number;
  seconds: number;
}

export interface GroupLimits {
  perAddress: Limit;
  /** For routes whose path names an invite. */
  perInvite?: Limit;
}

/**
 * Far above what a person does (an admin opens a link a few times and starts once or
 * twice; each consent comes back through two or three redirects), far below what
 * enumerating codes or pushing a flood through us to Microsoft needs. The browser tests
 * run from one address, a dozen consents a minute, and stay well inside them.
 */
export const DEFAULT_RATE_LIMITS: Record<RouteGroup, GroupLimits> = {
  // GET /consent, /consent/<code>, /consent/result/<attempt>
  "consent-page": { perAddress: { points: 120, seconds: 60 }, perInvite: { points: 60, seconds: 60 } },
  // /consent/start, /consent/<code>/start: each seals a state and sends the browser to Microsoft
  "consent-start": { perAddress: { points: 30, seconds: 60 }, perInvite: { points: 10, seconds: 60 } },
  // /consent/callback, /consent/signin/...: Microsoft's redirects back, useless without a started state
  "consent-return": { perAddress: { points: 60, seconds: 60 } },
  // /auth/signin
  "partner-sign-in": { perAddress: { points: 30, seconds: 60 } },
  // /auth/callback
  "partner-callback": { perAddress: { points: 30, seconds: 60 } },
  // /api/consent/attempts/<id>: a result page polls it every 1.5 s (40 a minute)
  "attempt-status": { perAddress: { points: 240, seconds: 60 } },
};

export interface RateLimitedRoute {
  group: RouteGroup;
  /** The invite code the path names, if any. */
  invite: string | null;
  /** Answer a refusal as JSON (API) rather than a page. */
  json: boolean;
}

/** Children of app/consent/ that are routes of their own, not an invite code. */
export const CONSENT_STATIC_SEGMENTS: ReadonlySet<string> = new Set(["start", "callback", "result", "signin"]);

/** Which limits apply to a request, or null when none do. */
export function classifyRateLimitedRoute(method: string, pathname: string): RateLimitedRoute | null {
  const path = pathname.length > 1 ? pathname.replace(/\/+$/, "") : pathname;
  const page = method === "GET" || method === "HEAD";
  const route = (group: RouteGroup, invite: string | null = null, json = false): RateLimitedRoute => ({ group, invite, json });

  if (path === "/auth/signin") return route("partner-sign-in");
  if (path === "/auth/callback") return route("partner-callback");
  if (/^\/api\/consent\/attempts\/[^/]+$/.test(path)) return route("attempt-status", null, true);
  if (path === "/consent") return page ? route("consent-page") : null;

  const segments = /^\/consent\/(.+)$/.exec(path)?.[1]?.split("/");
  if (!segments) return null;
  const [first, second] = segments as [string, ...string[]];
  if (first === "start" && segments.length === 1) return route("consent-start");
  if (first === "callback" && segments.length === 1) return route("consent-return");
  if (first === "signin") return route("consent-return");
  if (first === "result") return page ? route("consent-page") : null;
  if (CONSENT_STATIC_SEGMENTS.has(first)) return null;
  if (segments.length === 1) return page ? route("consent-page", first) : null;
  // /consent/<code>/start and any other action on an invite
  return second !== undefined ? route("consent-start", first) : null;
}

export type RateLimitVerdict = { allowed: true } | { allowed: false; retryAfterSeconds: number; scope: "address" | "invite" };

export interface RateLimiter {
  /** Counts the request against its limits; `address` null (unknown) skips the per-address one. */
  check(route: RateLimitedRoute, address: string | null): Promise<RateLimitVerdict>;
}

/**
 * An in-process limiter with the given limits. The per-invite limit is counted first
 * and a request it refuses is not counted against the address, so one busy link does
 * not use up its visitors' other budgets; codes are kept as hashes.
 */
export function createRateLimiter(limits: Record<RouteGroup, GroupLimits> = DEFAULT_RATE_LIMITS): RateLimiter {
  const limiters = new Map<string, RateLimiterMemory>();
  for (const [group, l] of Object.entries(limits)) {
    limiters.set(`${group}:address`, new RateLimiterMemory({ keyPrefix: `${group}:address`, points: l.perAddress.points, duration: l.perAddress.seconds }));
    if (l.perInvite) limiters.set(`${group}:invite`, new RateLimiterMemory({ keyPrefix: `${group}:invite`, points: l.perInvite.points, duration: l.perInvite.seconds }));
  }

  async function consume(limiter: RateLimiterMemory | undefined, key: string, scope: "address" | "invite"): Promise<RateLimitVerdict> {
    if (!limiter) return { allowed: true };
    try {
      await limiter.consume(key);
      return { allowed: true };
    } catch (rejection) {
      // RateLimiterMemory rejects with a RateLimiterRes when the points are used up, never with an Error.
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
      return { allowed: false, scope, retryAfterSeconds: Math.max(1, Math.ceil(rejection.msBeforeNext / 1000)) };
    }
  }

  return {
    async check(route, address) {
      if (route.invite !== null) {
        // Junk codes share one key: they all end on the same "not valid" page.
        const key = isWellFormedInviteCode(route.invite) ? hashInviteCode(route.invite) : "malformed";
        const verdict = await consume(limiters.get(`${route.group}:invite`), key, "invite");
        if (!verdict.allowed) return verdict;
      }
      if (address === null) return { allowed: true };
      return consume(limiters.get(`${route.group}:address`), address, "address");
    },
  };
}

const holder = globalThis as unknown as { consentryRateLimiter?: RateLimiter };

/** The process's limiter (on globalThis, so a dev reload of the proxy keeps the counts). */
export function getRateLimiter(): RateLimiter {
  holder.consentryRateLimiter ??= createRateLimiter();
  return holder.consentryRateLimiter;
}

/** Replaces the process's limiter (tests with small limits); null restores the default on next use. */
export function setRateLimiter(limiter: RateLimiter | null): void {
  if (limiter) holder.consentryRateLimiter = limiter;
  else delete holder.consentryRateLimiter;
}

/**
 * 429 with `Retry-After` in seconds (RFC 9110 §10.2.3): a page a person can read, or
 * the API's JSON error body.
 * @see https://www.rfc-editor.org/rfc/rfc6585#section-4
 */
export function rateLimitedResponse(route: RateLimitedRoute, verdict: Extract<RateLimitVerdict, { allowed: false }>): Response {
  const wait = verdict.retryAfterSeconds;
  const seconds = `${wait} second${wait === 1 ? "" : "s"}`;
  const message =
    verdict.scope === "invite"
      ? `This invite link was used too often in a short time. Try again in ${seconds}.`
      : `Too many requests from your network in a short time. Try again in ${seconds}.`;
  const page = new AppError(
    "rate_limited",
    verdict.scope === "invite"
      ? "This invite link was opened or started many times within a minute, so it is paused for a moment to protect it."
      : "Many requests came from your network within a minute, so they are paused for a moment.",
    { title: "Too many requests", next: `Wait ${seconds}, then try again.` },
  );
  const response = route.json ? toProblemResponse(new AppError("rate_limited", message, { cause: { retryAfter: wait } })) : renderProblemPage(page);
  response.headers.set("retry-after", String(wait));
  return response;
}
