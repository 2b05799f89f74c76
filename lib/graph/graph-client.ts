import "server-only";

import type { z } from "zod";

import { getConfig } from "@/lib/config";
import { readServiceError } from "@/lib/graph/service-error";
import { HttpTimeoutError, httpRequest, parseJson } from "@/lib/net/http";

/** A Graph call's outcome in the project's terms: never a raw fetch error. */
export type GraphResult<T> =
  | { ok: true; status: number; data: T; requestId: string | null; latencyMs: number }
  | { ok: false; status: number | null; code: string; message: string; requestId: string | null; latencyMs: number; headers: Record<string, string> };

const KEPT_HEADERS = ["x-ms-diagnostics", "www-authenticate", "retry-after", "request-id", "client-request-id"];

/**
 * GET a Graph v1.0 path with an app-only token, with a timeout, and parse the answer
 * with its schema. Errors keep Graph's code and message and the headers diagnoses need.
 */
export async function graphGet<T>(accessToken: string, path: string, schema: z.ZodType<T>, options: { timeoutMs?: number } = {}): Promise<GraphResult<T>> {
  const started = performance.now();
  const url = `${getConfig().cloud.graphHost}/v1.0${path.startsWith("/") ? path : `/${path}`}`;
  let answer;
  try {
    answer = await httpRequest({ method: "GET", url, headers: { authorization: `Bearer ${accessToken}`, accept: "application/json" }, timeoutMs: options.timeoutMs ?? 15_000 });
  } catch (error) {
    const timeout = error instanceof HttpTimeoutError;
    return { ok: false, status: null, code: timeout ? "timeout" : "network_error", message: timeout ? "Microsoft Graph did not answer in time." : `Microsoft Graph could not be reached (${(error as Error).message}).`, requestId: null, latencyMs: performance.now() - started, headers: {} };
  }
  const headers: Record<string, string> = {};
  for (const name of KEPT_HEADERS) {
    const value = answer.headers[name];
    if (value) headers[name] = value;
  }
  const requestId = headers["request-id"] ?? null;
  const body = parseJson(answer.text);
  const latencyMs = performance.now() - started;
  if (answer.status < 200 || answer.status >= 300) {
    const err = readServiceError(body);
    return {
      ok: false,
      status: answer.status,
      code: err.code ?? `http_${answer.status}`,
      message: err.message ?? `Microsoft Graph answered ${answer.status}.`,
      requestId,
      latencyMs,
      headers,
    };
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    return { ok: false, status: answer.status, code: "unexpected_response", message: "Microsoft Graph answered with a body Consentry does not understand.", requestId, latencyMs, headers };
  }
  return { ok: true, status: answer.status, data: parsed.data, requestId, latencyMs };
}
