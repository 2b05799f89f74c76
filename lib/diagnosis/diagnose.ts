import type { FailureFacts } from "@/lib/diagnosis/facts";
import type { Finding } from "@/lib/diagnosis/finding";
import { quote, type Rule } from "@/lib/diagnosis/rule";
import { accessRules } from "@/lib/diagnosis/rules/access";
import { exchangeRules, sharepointRules } from "@/lib/diagnosis/rules/exchange";
import { hybridRules } from "@/lib/diagnosis/rules/hybrid";
import { identityRules } from "@/lib/diagnosis/rules/identity";
import { mailboxRules } from "@/lib/diagnosis/rules/mailbox";
import { serviceRules } from "@/lib/diagnosis/rules/service";

/**
 * In order: what names its cause outright (an AADSTS code, an on-premises diagnostic, an
 * Exchange or EWS message) before what is read from the status, and outages last, so a 5xx that
 * says what went wrong is never called one.
 */
const RULES: readonly Rule[] = [...identityRules, ...hybridRules, ...exchangeRules, ...sharepointRules, ...mailboxRules, ...accessRules, ...serviceRules];

const firstLine = (s: string | null) => s?.split(/\r?\n/).find((l) => l.trim())?.trim().slice(0, 500) ?? null;

function evidenceOf(f: FailureFacts): (string | null)[] {
  return [
    quote("HTTP status", f.status),
    f.transport ? `No answer: ${f.transport === "timeout" ? "the request timed out" : "the connection failed"}` : null,
    quote("Error code", f.code),
    f.aadsts !== null && !`${f.code ?? ""}`.includes(String(f.aadsts)) ? `AADSTS code: ${f.aadsts}` : null,
    quote("Message", firstLine(f.message)),
    quote("Text", firstLine(f.text) === firstLine(f.message) ? null : firstLine(f.text)),
    quote("x-ms-diagnostics", f.headers["x-ms-diagnostics"]),
    quote("WWW-Authenticate", f.headers["www-authenticate"]?.slice(0, 300)),
    quote("Retry-After", f.headers["retry-after"]),
    quote("request-id", f.headers["request-id"]),
  ];
}

/**
 * Turns a failed call into a finding: evidence, who acts and the exact fix. Anything not
 * recognised is "unknown" with the raw evidence, never labelled an outage or anything else.
 * The probe runner, the dashboard's "Explain an error" page and `npm run explain` all call this.
 */
export function diagnose(f: FailureFacts): Finding {
  for (const rule of RULES) {
    const found = rule(f);
    if (!found) continue;
    const { evidence: extra = [], ...rest } = found;
    const evidence = unique([...evidenceOf(f), ...extra]);
    return { ...rest, evidence, known: true };
  }
  return {
    id: "unknown",
    title: "Unrecognised error",
    evidence: unique(evidenceOf(f)),
    actor: "nobody",
    fix: "Consentry does not recognise this answer; the raw evidence is shown above. It is not known to be an outage: look the code up in Microsoft's documentation, and re-test once something changed.",
    known: false,
  };
}

function unique(lines: (string | null)[]): string[] {
  return [...new Set(lines.filter((l): l is string => l !== null))];
}
