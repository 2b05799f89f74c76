import "server-only";

import { AuthError } from "@azure/msal-node";

import { AppError } from "@/lib/errors";
import { parseAadsts } from "@/lib/identity/aadsts";
import { HttpTimeoutError } from "@/lib/net/http";

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
  /** The token endpoint's HTTP status, when it answered; null when unknown or no answer came. */
  status: number | null;
  /** Set when no usable answer came: a timeout, or a reset / refused connection. */
  transport: "timeout" | "network" | null;
}

/** An IdentityFailure for a condition the portal detects itself (no answer from Microsoft to quote). */
export function localIdentityFailure(error: string, description: string, status: number | null = null): IdentityFailure {
  return { error, aadsts: null, description, traceId: null, correlationId: null, status, transport: null };
}

/** The identity platform refused or failed: `aadsts_<number>` when it said which error, else `identity_failed` (both 502); `failure` holds the rest. */
export class IdentityError extends AppError {
  readonly failure: IdentityFailure;

  constructor(failure: IdentityFailure, message?: string) {
    super(failure.aadsts ? `aadsts_${failure.aadsts}` : "identity_failed", message ?? failure.description, { cause: failure });
    this.name = "IdentityError";
    this.failure = failure;
  }
}

/**
 * What the transport saw when the token endpoint gave no JSON answer: thrown from the network
 * client as an msal AuthError, which msal-node passes through untouched (any other error it
 * replaces with a bare `network_error`, losing the status).
 */
export class TokenTransportError extends AuthError {
  constructor(
    readonly transport: "timeout" | "network" | "not_json",
    readonly httpStatus: number | null,
    message: string,
  ) {
    super(transport === "not_json" ? "invalid_response" : "network_error", message);
    this.name = "TokenTransportError";
    Object.setPrototypeOf(this, TokenTransportError.prototype);
  }

  static from(error: unknown): TokenTransportError {
    const message = error instanceof Error ? error.message : String(error);
    return new TokenTransportError(error instanceof HttpTimeoutError ? "timeout" : "network", null, message);
  }
}

const CONNECTION_CODES = new Set(["ECONNRESET", "ECONNREFUSED", "EPIPE", "ETIMEDOUT", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH"]);

function isConnectionError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return (typeof code === "string" && CONNECTION_CODES.has(code)) || (error instanceof Error && error.message === "socket hang up");
}

/**
 * Reads an msal-node error (ServerError with the endpoint's status and `error_codes`,
 * ClientAuthError, the network client's TokenTransportError) into an IdentityFailure.
 */
export function toIdentityFailure(error: unknown): IdentityFailure {
  const e = error as { errorCode?: string; errorMessage?: string; message?: string; correlationId?: string; status?: unknown; errorNo?: unknown };
  const text = e.errorMessage ?? e.message ?? String(error);
  const parsed = parseAadsts(text);
  const errorNo = typeof e.errorNo === "string" || typeof e.errorNo === "number" ? Number(e.errorNo) : NaN;
  const transport = error instanceof TokenTransportError ? error : error instanceof HttpTimeoutError || isConnectionError(error) ? TokenTransportError.from(error) : null;
  return {
    error: e.errorCode || "unknown_error",
    aadsts: parsed?.code ?? (Number.isInteger(errorNo) && errorNo > 0 ? errorNo : null),
    description: parsed ? `AADSTS${parsed.code}: ${parsed.message}` : text.trim(),
    traceId: parsed?.traceId ?? null,
    correlationId: parsed?.correlationId ?? e.correlationId ?? null,
    status: transport ? transport.httpStatus : typeof e.status === "number" ? e.status : null,
    transport: transport && transport.transport !== "not_json" ? transport.transport : null,
  };
}
