import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";

export const MAX_BODY_BYTES = 1_000_000;

export class BodyTooLargeError extends Error {}

export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new BodyTooLargeError("request body too large");
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(text), "cache-control": "no-store", ...headers });
  res.end(text);
}

export function sendHtml(res: ServerResponse, status: number, html: string): void {
  res.writeHead(status, {
    "content-type": "text/html; charset=utf-8",
    "content-length": Buffer.byteLength(html),
    "cache-control": "no-store",
    "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'; form-action *",
    "x-frame-options": "DENY",
  });
  res.end(html);
}

export function redirect(res: ServerResponse, location: string): void {
  res.writeHead(302, { location, "cache-control": "no-store", "content-length": 0 });
  res.end();
}

export function escapeHtml(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

/** "2026-11-23 10:00:00Z", the timestamp format of AADSTS descriptions. */
export function aadTimestamp(date = new Date()): string {
  return date.toISOString().replace("T", " ").replace(/\.\d+Z$/, "Z");
}

export interface AadErrorOptions {
  status: number;
  error: string;
  code: number;
  message: string;
  correlationId?: string;
}

/**
 * An identity-platform error body: `error`, `error_description` starting
 * `AADSTSnnnn:` with Trace ID, Correlation ID and Timestamp lines, `error_codes`, ...
 * @see https://learn.microsoft.com/entra/identity-platform/reference-error-codes
 */
export function aadErrorBody(options: AadErrorOptions, errorUriBase: string) {
  const traceId = randomUUID();
  const correlationId = options.correlationId ?? randomUUID();
  const now = new Date();
  return {
    error: options.error,
    error_description: `AADSTS${options.code}: ${options.message}\r\nTrace ID: ${traceId}\r\nCorrelation ID: ${correlationId}\r\nTimestamp: ${aadTimestamp(now)}`,
    error_codes: [options.code],
    timestamp: aadTimestamp(now),
    trace_id: traceId,
    correlation_id: correlationId,
    error_uri: `${errorUriBase}/error?code=${options.code}`,
  };
}

export function sendAadError(res: ServerResponse, options: AadErrorOptions, errorUriBase: string): void {
  sendJson(res, options.status, aadErrorBody(options, errorUriBase));
}

/** A Microsoft Graph error body with `innerError` (date, request-id, client-request-id). */
export function graphErrorBody(code: string, message: string, requestId: string, clientRequestId: string) {
  return { error: { code, message, innerError: { date: new Date().toISOString().replace(/\.\d+Z$/, ""), "request-id": requestId, "client-request-id": clientRequestId } } };
}

export function isLoopback(address: string | undefined): boolean {
  return address === "127.0.0.1" || address === "::1" || address === "::ffff:127.0.0.1";
}
