import { DOCS } from "@/lib/diagnosis/docs";
import { MAILBOX_PROBES, TOKEN_PROBES } from "@/lib/diagnosis/facts";
import type { Rule } from "@/lib/diagnosis/rule";
import { isTokenOutage } from "@/lib/diagnosis/rules/identity";

/**
 * Codes a service sends with a 500 that say nothing about the request (Graph's generic ones).
 * @see https://learn.microsoft.com/graph/errors
 */
const GENERIC_500 = new Set(["internalservererror", "generalexception", "serviceunavailable", "servicenotavailable", "unknownerror", "http_500"]);

/** A message that says nothing beyond "the service failed" (or none at all). */
function isGenericMessage(message: string | null): boolean {
  if (!message || !message.trim()) return true;
  const m = message.trim();
  return m.length < 120 && !/exception|\|/i.test(m) && /unavailable|internal server error|bad gateway|gateway time-?out|try again|temporar|answered \d{3}|did not answer|could not be reached/i.test(m);
}

/**
 * Throttling and outages: only what means one. A 429; no answer (timeout, reset); a token
 * endpoint's 5xx with no AADSTS code; a 502/503/504, or a 500 with a generic code, that says
 * nothing more. A 5xx whose body names a cause, or a 500 from a source that is not known, is
 * not an outage: it falls through to "unknown" with its evidence.
 * @see https://learn.microsoft.com/graph/throttling
 * @see https://learn.microsoft.com/graph/errors
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
    const generic = f.aadsts === null && isGenericMessage(f.message) && (f.text === null || isGenericMessage(f.text));
    const gateway = f.status === 502 || f.status === 503 || f.status === 504;
    // Before March 2023 a mailbox's 500 UnknownError was Graph's hybrid proxy failing on an on-premises server: not an outage.
    const hybridEra = f.probe !== null && MAILBOX_PROBES.has(f.probe) && f.code?.toLowerCase() === "unknownerror";
    const bare500 = f.status === 500 && f.probe !== null && !hybridEra && (f.code === null || GENERIC_500.has(f.code.toLowerCase()));
    const outage = f.transport !== null || isTokenOutage(f) || (!tokenProbe && generic && (gateway || bare500));
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
