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
  console.error(message, error instanceof Error ? error.message : error);
}
