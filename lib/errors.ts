
/**
 * The one error vocabulary of the project. An `AppError` has a stable `code` (tests, API
 * clients and the audit log key on it), a `message` written for the person who has to act
 * on it, and a `cause` (`{expected, actual}` where that helps). Its HTTP status comes from
 * the one table below. Errors a person meets on a page (a consent that went wrong, a role
 * that is missing) also carry a `title`, what to do `next` and `details` to quote to support;
 * the same object is answered as a page (lib/consent/problem-page.ts) or as RFC 9457 problem
 * details (`toProblemResponse`), both through `toAppError`.
 */

/** Every known code and the HTTP status it answers with. */
export const ERROR_STATUS = {
  // The caller's input
  invalid_input: 422,
  body_too_large: 413,
  invalid_tenant: 400,
  invalid_tenant_hint: 400,
  not_consented: 422,
  tid_mismatch: 422,
  malformed_link: 400,
  // Who is asking
  unauthenticated: 401,
  session_expired: 401,
  forbidden: 403,
  no_partner_role: 403,
  role_too_low: 403,
  sign_out_refused: 403,
  // What is asked for
  not_found: 404,
  api_key_not_found: 404,
  bulk_run_not_found: 404,
  campaign_not_found: 404,
  delivery_not_found: 404,
  invite_not_found: 404,
  probe_run_not_found: 404,
  tenant_not_found: 404,
  webhook_not_found: 404,
  nothing_to_do: 409,
  rate_limited: 429,
  // Between an invite link and a verified tenant (the customer's admin reads these as pages)
  invite_unknown: 404,
  invite_expired: 410,
  invite_revoked: 410,
  onboarding_closed: 404,
  malformed_callback: 400,
  no_consent_in_progress: 400,
  state_missing: 400,
  state_unexpected: 400,
  state_expired: 400,
  state_reused: 409,
  tenant_mismatch: 403,
  cancelled: 200,
  declined: 200,
  admin_required: 200,
  consent_error: 502,
  not_partner: 403,
  sign_in_failed: 400,
  consent_sign_in_failed: 400,
  sign_in_tenant_mismatch: 403,
  verifications_busy: 429,
  tenant_unknown_to_cloud: 400,
  identity_unavailable: 502,
  result_not_here: 404,
  // Microsoft and the network
  identity_failed: 502,
  sign_in_invalid_token: 502,
  tenant_discovery_failed: 502,
  registration_unreadable: 502,
  upstream_timeout: 504,
  // This installation
  internal_error: 500,
  invalid_config: 500,
  invalid_setting: 500,
  invalid_stored_data: 500,
  credential_missing: 503,
  database_unavailable: 503,
  database_too_new: 503,
  migration_failed: 503,
  sharepoint_root_unknown: 500,
  tenant_not_saved: 500,
  permission_set_conflict: 500,
  permission_set_not_saved: 500,
  webhook_secret_unreadable: 500,
} as const satisfies Record<string, number>;

export type KnownErrorCode = keyof typeof ERROR_STATUS;
/** A known code, or an identity-platform error number (`aadsts_700016`), which answers 502. */
export type ErrorCode = KnownErrorCode | `aadsts_${number}`;

export function statusOf(code: ErrorCode): number {
  return code in ERROR_STATUS ? ERROR_STATUS[code as KnownErrorCode] : 502;
}

export interface AppErrorCause {
  expected?: unknown;
  actual?: unknown;
}

/** A label and a value shown verbatim (escaped) for support: an error code, a correlation ID. */
export interface ErrorDetail {
  label: string;
  value: string;
}

export interface AppErrorOptions {
  cause?: AppErrorCause | unknown;
  /** A heading for the person who meets the error on a page; defaults to the status's name. */
  title?: string;
  /** What to do next, for a page. */
  next?: string;
  details?: ErrorDetail[];
}

const STATUS_TITLES: Record<number, string> = {
  200: "OK",
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  409: "Conflict",
  410: "Gone",
  413: "Content Too Large",
  422: "Unprocessable Content",
  429: "Too Many Requests",
  500: "Internal Server Error",
  502: "Bad Gateway",
  503: "Service Unavailable",
  504: "Gateway Timeout",
};

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly title: string;
  readonly next: string | undefined;
  readonly details: ErrorDetail[] | undefined;

  constructor(code: ErrorCode, message: string, options: AppErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "AppError";
    this.code = code;
    this.status = statusOf(code);
    this.title = options.title ?? STATUS_TITLES[this.status] ?? "Error";
    this.next = options.next;
    this.details = options.details?.length ? options.details : undefined;
  }
}

export function isAppError(value: unknown): value is AppError {
  return value instanceof AppError;
}

/** Which fields failed validation, for `invalid_input`. */
export class ValidationError extends AppError {
  readonly errors: { path: string; message: string }[];

  constructor(errors: { path: string; message: string }[], cause?: unknown) {
    super("invalid_input", `The request did not pass validation: ${errors.map((e) => `${e.path || "body"}: ${e.message}`).join("; ")}.`, { cause });
    this.name = "ValidationError";
    this.errors = errors;
  }
}

interface ZodLikeError {
  name: "ZodError";
  issues: { path: PropertyKey[]; message: string }[];
}

function isZodError(value: unknown): value is ZodLikeError {
  return (
    typeof value === "object" &&
    value !== null &&
    (value as { name?: unknown }).name === "ZodError" &&
    Array.isArray((value as { issues?: unknown }).issues)
  );
}

export type ErrorLog = (message: string, error: unknown) => void;

/**
 * Logs through lib/log, imported when first needed: the logger reads the settings, whose errors
 * are AppErrors, so importing it here would make this module wait on itself.
 */
function defaultLog(message: string, error: unknown): void {
  void import("@/lib/log/logger").then(({ logger }) => logger().error(error instanceof Error ? { err: error } : { detail: error }, message));
}

/**
 * The one mapper: anything thrown becomes an AppError. Validation → `invalid_input` (422) with
 * the fields, an AppError stays itself (a 5xx one is logged), anything else → a logged, generic
 * `internal_error` that leaks nothing. Pages, route handlers, server actions and the API all
 * go through it.
 */
export function toAppError(error: unknown, log: ErrorLog = defaultLog): AppError {
  if (isZodError(error)) return new ValidationError(error.issues.map((issue) => ({ path: issue.path.map(String).join("."), message: issue.message })), error);
  if (isAppError(error)) {
    if (error.status >= 500) log(`[${error.code}] ${error.message}`, error.cause);
    return error;
  }
  log("Unhandled error", error);
  return new AppError("internal_error", "Something went wrong on our side. It has been logged.", { title: "Something went wrong on our side", next: "Try again in a moment." });
}

/** RFC 9457 problem details, the shape of every JSON API error. */
export interface ProblemDetails {
  /** `urn:consentry:problem:<code>`: stable, for clients to switch on. */
  type: string;
  title: string;
  status: number;
  detail: string;
  /** The AppError code, also as a plain field. */
  code: string;
  /** The request path. */
  instance?: string;
  /** Which fields failed validation, for 422. */
  errors?: { path: string; message: string }[];
}

export function toProblemDetails(error: AppError, instance?: string): ProblemDetails {
  return {
    type: `urn:consentry:problem:${error.code}`,
    title: error.title,
    status: error.status,
    detail: error.message,
    code: error.code,
    ...(instance ? { instance } : {}),
    ...(error instanceof ValidationError ? { errors: error.errors } : {}),
  };
}

/**
 * Every JSON API error as RFC 9457 problem details (429 with Retry-After), never cached.
 * @see https://www.rfc-editor.org/rfc/rfc9457
 */
export function toProblemResponse(thrown: unknown, instance?: string, log: ErrorLog = defaultLog): Response {
  const error = toAppError(thrown, log);
  const retryAfter = (error.cause as { retryAfter?: unknown } | undefined)?.retryAfter;
  const headers: Record<string, string> = { "content-type": "application/problem+json", "cache-control": "no-store" };
  if (typeof retryAfter === "number") headers["retry-after"] = String(retryAfter);
  return Response.json(toProblemDetails(error, instance), { status: error.status, headers });
}

/** What a server action tells its form: the AppError's message, or `fallback` for anything unexpected (logged). */
export function actionErrorMessage(thrown: unknown, fallback: string, log: ErrorLog = defaultLog): string {
  const error = toAppError(thrown, log);
  return error.code === "internal_error" ? fallback : error.message;
}
