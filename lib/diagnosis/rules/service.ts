import { DOCS } from "@/lib/diagnosis/docs";
import { TOKEN_PROBES } from "@/lib/diagnosis/facts";
import type { Rule } from "@/lib/diagnosis/rule";
import { isTokenOutage } from "@/lib/diagnosis/rules/identity";

/**
 * Codes a service sends with a 500 that say nothing about the request (Graph's generic ones).
 * @see https://learn.microsoft.com/graph/errors
 */
const GENERIC_500 = new Set(["internalservererror", "generalexception", "serviceunavailable", "servicenotavailable", "unknownerror", "http_500"]);

/**
 * Throttling and outages: only what means one. 429; no answer (timeout, reset); a token endpoint's
 * 5xx with no AADSTS code; 502/503/504 from a service; a 500 with no or a generic code. Everything
 * else falls through to "unknown".
 * @see https://learn.microsoft.com/graph/throttling
 */
export const serviceRules: Rule[] = [
  (f) =>
    f.status === 429
      ? {
          id: "throttled",
          title: "Microsoft throttled the request",
          actor: "nobody",
          fix: `Consentry waits as long as Retry-After says${f.headers["retry-after"] ? ` (${f.headers["retry-after"]} s)` : ""} and retries; re-test later if it persists.`,
          docs: [DOCS.graphThrottling],
          transient: true,
        }
      : null,
  (f) => {
    const tokenProbe = f.probe !== null && TOKEN_PROBES.has(f.probe);
    const outage =
      f.transport !== null ||
      isTokenOutage(f) ||
      (!tokenProbe && f.aadsts === null && (f.status === 502 || f.status === 503 || f.status === 504 || (f.status === 500 && (f.code === null || GENERIC_500.has(f.code.toLowerCase())))));
    return outage
      ? {
          id: "service_unavailable",
          title: f.transport === "timeout" ? "Microsoft did not answer in time" : f.transport ? "The connection to Microsoft failed" : "Microsoft answered with a server error",
          actor: "nobody",
          fix: "A transient outage, timeout or reset. Re-test; check Microsoft 365 service health if it persists.",
          transient: true,
        }
      : null;
  },
];
