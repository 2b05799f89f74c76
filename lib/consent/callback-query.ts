import "server-only";

import { z } from "zod";

import type { Problem } from "@/lib/consent/problems";
import { problem } from "@/lib/consent/problems";
import { parseAadsts } from "@/lib/identity/aadsts";
import { IdentityError } from "@/lib/identity/identity-error";

const MAX_QUERY_LENGTH = 8192;
const MAX_PARAMS = 16;

/**
 * What every redirect back from the identity platform may carry besides its answer:
 * the state, and an error with Microsoft's description (AADSTS code, trace and
 * correlation IDs). Bounded, and the values that reach a page only in known shapes.
 * @see https://learn.microsoft.com/entra/identity-platform/v2-oauth2-auth-code-flow#error-response
 */
export const redirectFieldsSchema = z.object({
  state: z.string().max(512).regex(/^[A-Za-z0-9_\-.~]+$/).optional(),
  error: z.string().max(100).regex(/^[A-Za-z0-9_.-]+$/).optional(),
  error_description: z.string().max(4096).optional(),
  error_subcode: z.string().max(100).regex(/^[A-Za-z0-9_.-]+$/).optional(),
  error_uri: z.string().max(2048).optional(),
});

/** A redirect's query as an object when it is bounded and repeats no key; null otherwise. */
export function parseBoundedQuery(search: string): Record<string, string> | null {
  const raw = search.startsWith("?") ? search.slice(1) : search;
  if (raw.length > MAX_QUERY_LENGTH) return null;
  let params: URLSearchParams;
  try {
    params = new URLSearchParams(raw);
  } catch {
    return null;
  }
  const keys = [...params.keys()];
  if (keys.length > MAX_PARAMS || new Set(keys).size !== keys.length) return null;
  return Object.fromEntries(params);
}

/** Splits what the identity platform echoed into what a person can quote to support. */
export function errorDetails(description: string | undefined, error: string | undefined, subcode: string | undefined) {
  const text = description ?? "";
  const parsed = parseAadsts(text);
  const details: { label: string; value: string }[] = [];
  if (parsed) details.push({ label: "Error code", value: `AADSTS${parsed.code}` });
  else if (error) details.push({ label: "Error", value: error });
  const firstLine = parsed ? parsed.message : text.split(/\r?\n/)[0]?.trim();
  if (firstLine) details.push({ label: "Message", value: firstLine.slice(0, 500) });
  if (parsed?.traceId) details.push({ label: "Trace ID", value: parsed.traceId });
  if (parsed?.correlationId) details.push({ label: "Correlation ID", value: parsed.correlationId });
  if (subcode) details.push({ label: "Subcode", value: subcode });
  return { aadsts: parsed?.code ?? null, trace: parsed?.traceId ?? null, correlation: parsed?.correlationId ?? null, details };
}

/**
 * Why a sign-in could not even be started at a tenant's authority. msal-node reads the
 * tenant's OpenID metadata first and reports any refusal as `endpoints_resolution_error`
 * without Microsoft's code, so `tenantKnown` (asked separately, null when that failed
 * too) tells a tenant that does not exist in this cloud (AADSTS90002) from an outage.
 * @see https://learn.microsoft.com/entra/identity-platform/reference-error-codes#aadsts-error-codes
 */
export function signInStartProblem(error: unknown, tenantKnown: boolean | null): { problem: Problem; code: string } {
  const failure = error instanceof IdentityError ? error.failure : null;
  if (failure?.aadsts === 90002 || tenantKnown === false) return { problem: problem("tenant_unknown_to_cloud"), code: "AADSTS90002" };
  return { problem: problem("identity_unavailable", failure ? [{ label: "Error", value: failure.aadsts ? `AADSTS${failure.aadsts}` : failure.error }] : undefined), code: failure?.error ?? "sign_in_unavailable" };
}
