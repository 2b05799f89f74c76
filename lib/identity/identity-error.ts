import "server-only";

import { AppError } from "@/lib/errors";

/** What the identity platform said, reduced to what the portal acts on. */
export interface IdentityFailure {
  /** OAuth error (`invalid_client`) or msal-node's own code (`endpoints_resolution_error`). */
  error: string;
  /** The AADSTS number, when the platform sent one. */
  aadsts: number | null;
  /** The description without msal-node's framing. */
  description: string;
  traceId: string | null;
  correlationId: string | null;
}

export class IdentityError extends AppError {
  readonly failure: IdentityFailure;

  constructor(failure: IdentityFailure, message?: string) {
    super(failure.aadsts ? `aadsts_${failure.aadsts}` : failure.error, message ?? failure.description, { status: 502, cause: failure });
    this.name = "IdentityError";
    this.failure = failure;
  }
}

/** Reads an msal-node error (ServerError, ClientAuthError, network errors) into an IdentityFailure. */
export function toIdentityFailure(error: unknown): IdentityFailure {
  const e = error as { errorCode?: string; errorMessage?: string; message?: string; correlationId?: string };
  const text = e.errorMessage ?? e.message ?? String(error);
  const aadsts = /AADSTS(\d+)/.exec(text);
  const description = /Description: (AADSTS\d+: [^\r\n]*?)(?: - Correlation ID:| - Trace ID:|\r?\n|$)/.exec(text)?.[1] ?? (aadsts ? text.slice(text.indexOf(aadsts[0])).split(/\r?\n/)[0]! : text);
  return {
    error: e.errorCode || "unknown_error",
    aadsts: aadsts ? Number(aadsts[1]) : null,
    description: description.trim(),
    traceId: /Trace ID: ([0-9a-f-]{36})/i.exec(text)?.[1] ?? null,
    correlationId: /Correlation ID: ([0-9a-f-]{36})/i.exec(text)?.[1] ?? e.correlationId ?? null,
  };
}
