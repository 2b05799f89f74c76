import { logger } from "@/lib/log/logger";

/**
 * The one error type of the project. `code` is stable (tests, API clients and the
 * audit log key on it); `message` is written for the person who has to act on it.
 */
export interface AppErrorCause {
  expected?: unknown;
  actual?: unknown;
}

export interface AppErrorOptions {
  /** HTTP status the error maps to when it reaches a route. Defaults to 500. */
  status?: number;
  cause?: AppErrorCause | unknown;
}

export class AppError extends Error {
  readonly code: string;
  readonly status: number;

  constructor(code: string, message: string, options: AppErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "AppError";
    this.code = code;
    this.status = options.status ?? 500;
  }
}

export function isAppError(value: unknown): value is AppError {
  return value instanceof AppError;
}

/** Shape of every JSON error the portal sends. */
export interface ErrorBody {
  error: { code: string; message: string; issues?: { path: string; message: string }[] };
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

/**
 * Maps anything thrown in a route to a response: validation → 422, AppError → its
 * status, anything else → a logged, generic 500 that leaks nothing.
 */
export function toErrorResponse(error: unknown, log: (message: string, error: unknown) => void = defaultLog): Response {
  if (isZodError(error)) {
    const body: ErrorBody = {
      error: {
        code: "invalid_input",
        message: "The request did not pass validation.",
        issues: error.issues.map((issue) => ({ path: issue.path.map(String).join("."), message: issue.message })),
      },
    };
    return Response.json(body, { status: 422 });
  }
  if (isAppError(error)) {
    if (error.status >= 500) log(`[${error.code}] ${error.message}`, error.cause);
    const body: ErrorBody = { error: { code: error.code, message: error.message } };
    return Response.json(body, { status: error.status });
  }
  log("Unhandled error", error);
  const body: ErrorBody = { error: { code: "internal_error", message: "Something went wrong on our side. It has been logged." } };
  return Response.json(body, { status: 500 });
}

function defaultLog(message: string, error: unknown): void {
  logger().error(error instanceof Error ? { err: error } : { detail: error }, message);
}

/** RFC 9457 problem details, the shape of every /api/v1 error. */
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

const STATUS_TITLES: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  409: "Conflict",
  410: "Gone",
  422: "Unprocessable Content",
  429: "Too Many Requests",
  500: "Internal Server Error",
  502: "Bad Gateway",
  503: "Service Unavailable",
};

function problem(status: number, code: string, detail: string, instance: string | undefined, extra: Partial<ProblemDetails> = {}, headers: Record<string, string> = {}): Response {
  const body: ProblemDetails = { type: `urn:consentry:problem:${code}`, title: STATUS_TITLES[status] ?? "Error", status, detail, code, ...(instance ? { instance } : {}), ...extra };
  return Response.json(body, { status, headers: { "content-type": "application/problem+json", "cache-control": "no-store", ...headers } });
}

/**
 * The API's one error mapper (RFC 9457): validation → 422 with the fields, AppError → its status
 * and code (429 with Retry-After), anything else → a logged, generic 500 that leaks nothing.
 * @see https://www.rfc-editor.org/rfc/rfc9457
 */
export function toProblemResponse(error: unknown, instance?: string, log: (message: string, error: unknown) => void = defaultLog): Response {
  if (isZodError(error)) {
    const errors = error.issues.map((issue) => ({ path: issue.path.map(String).join("."), message: issue.message }));
    return problem(422, "invalid_input", `The request did not pass validation: ${errors.map((e) => `${e.path || "body"}: ${e.message}`).join("; ")}.`, instance, { errors });
  }
  if (isAppError(error)) {
    if (error.status >= 500) log(`[${error.code}] ${error.message}`, error.cause);
    const retryAfter = (error.cause as { retryAfter?: unknown } | undefined)?.retryAfter;
    return problem(error.status, error.code, error.message, instance, {}, typeof retryAfter === "number" ? { "retry-after": String(retryAfter) } : {});
  }
  log("Unhandled error", error);
  return problem(500, "internal_error", "Something went wrong on our side. It has been logged.", instance);
}
