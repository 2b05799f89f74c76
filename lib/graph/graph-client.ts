import "server-only";

import type { z } from "zod";

import { getConfig } from "@/lib/config";

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
  let response: Response;
  try {
    response = await fetch(url, { headers: { authorization: `Bearer ${accessToken}`, accept: "application/json" }, signal: AbortSignal.timeout(options.timeoutMs ?? 15_000), redirect: "error" });
  } catch (error) {
    const timeout = (error as Error).name === "TimeoutError";
    return { ok: false, status: null, code: timeout ? "timeout" : "network_error", message: timeout ? "Microsoft Graph did not answer in time." : `Microsoft Graph could not be reached (${(error as Error).message}).`, requestId: null, latencyMs: performance.now() - started, headers: {} };
  }
  const headers: Record<string, string> = {};
  for (const name of KEPT_HEADERS) {
    const value = response.headers.get(name);
    if (value) headers[name] = value;
  }
  const requestId = headers["request-id"] ?? null;
  const body: unknown = await response.json().catch(() => undefined);
  const latencyMs = performance.now() - started;
  if (!response.ok) {
    const err = (body as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
    return {
      ok: false,
      status: response.status,
      code: typeof err?.code === "string" ? err.code : `http_${response.status}`,
      message: typeof err?.message === "string" ? err.message : `Microsoft Graph answered ${response.status}.`,
      requestId,
      latencyMs,
      headers,
    };
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    return { ok: false, status: response.status, code: "unexpected_response", message: "Microsoft Graph answered with a body Consentry does not understand.", requestId, latencyMs, headers };
  }
  return { ok: true, status: response.status, data: parsed.data, requestId, latencyMs };
}
