import "server-only";

import http from "node:http";
import https from "node:https";
import { AppError } from "@/lib/errors";

import { currentRequestId } from "@/lib/log/request-context";
import { CLIENT_REQUEST_ID_HEADER } from "@/lib/log/request-id";

/**
 * A small HTTP client on node:https with keep-alive, for the hot paths (tokens, Graph batches,
 * Exchange calls). It costs a fraction of fetch's CPU per request, which is what bounds
 * a bulk re-test of thousands of tenants. Trusts NODE_EXTRA_CA_CERTS like fetch does.
 * Every caller talks to Microsoft (identity platform, Graph, Exchange, SharePoint), so each
 * request carries the current request's ID as `client-request-id` (see {@link withClientRequestId}).
 */
const agents = {
  "https:": new https.Agent({ keepAlive: true, maxSockets: 256, maxFreeSockets: 64 }),
  "http:": new http.Agent({ keepAlive: true, maxSockets: 256, maxFreeSockets: 64 }),
};

export interface HttpAnswer {
  status: number;
  headers: Record<string, string>;
  text: string;
}

/** No answer within the request's time limit (`upstream_timeout`, 504). */
export class HttpTimeoutError extends AppError {
  constructor() {
    super("upstream_timeout", "The request timed out.");
    this.name = "TimeoutError";
  }
}

export function httpRequest(options: { method: "GET" | "POST"; url: string; headers: Record<string, string>; body?: string; timeoutMs: number }): Promise<HttpAnswer> {
  const url = new URL(options.url);
  const client = url.protocol === "https:" ? https : url.protocol === "http:" ? http : null;
  if (!client) return Promise.reject(new AppError("invalid_input", `Unsupported protocol ${url.protocol}`));
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = withClientRequestId(options.headers);
    if (options.body !== undefined) headers["content-length"] = Buffer.byteLength(options.body);
    const req = client.request(url, { method: options.method, headers, agent: agents[url.protocol as "https:" | "http:"] }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        clearTimeout(timer);
        const out: Record<string, string> = {};
        for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) out[k] = Array.isArray(v) ? v.join(", ") : v;
        resolve({ status: res.statusCode ?? 0, headers: out, text: Buffer.concat(chunks).toString("utf8") });
      });
      res.on("error", (error) => {
        clearTimeout(timer);
        reject(error);
      });
    });
    const timer = setTimeout(() => req.destroy(new HttpTimeoutError()), options.timeoutMs);
    req.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    if (options.body !== undefined) req.write(options.body);
    req.end();
  });
}

/**
 * The headers with `client-request-id` set to the current request's (or background run's) ID,
 * unless the caller set one or no request is under way. Graph asks for this header on every
 * request, so that Microsoft support can find a call, and echoes it in its answers and in
 * `innerError.client-request-id`. Graph suggests a new GUID per call; Consentry sends its own
 * request's GUID instead, so every call one portal request made is found with one ID, and
 * Graph's `request-id` (kept with each probe result) still tells the calls apart.
 * @see https://learn.microsoft.com/graph/best-practices-concept#reliability-and-support
 * @see https://learn.microsoft.com/graph/errors
 */
export function withClientRequestId(headers: Record<string, string>): Record<string, string> {
  const requestId = currentRequestId();
  if (!requestId || Object.keys(headers).some((name) => name.toLowerCase() === CLIENT_REQUEST_ID_HEADER)) return { ...headers };
  return { ...headers, [CLIENT_REQUEST_ID_HEADER]: requestId };
}

/**
 * A request that got no answer (timeout, reset, refused) as a Graph-style error body, so
 * callers diagnose it like any other failed call: code "timeout" or "network_error".
 */
export function transportErrorBody(error: unknown): { error: { code: "timeout" | "network_error"; message: string } } {
  const message = error instanceof Error ? error.message : String(error);
  return { error: { code: error instanceof HttpTimeoutError ? "timeout" : "network_error", message } };
}

export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
