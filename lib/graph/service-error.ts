/**
 * The one reader of a Microsoft service's error body, so probes and diagnoses see a code and
 * a message, never a raw body. Shapes read:
 * - Graph and the Exchange admin API: `{"error":{"code","message"}}`
 *   (@see https://learn.microsoft.com/graph/errors);
 * - SharePoint REST: `{"odata.error":{"code","message":{"value"}}}`;
 * - OAuth-style answers of resource servers (SharePoint's refusal of a token):
 *   `{"error","error_description"}`;
 * - the transport's own "no answer" body (`timeout`, `network_error`), in Graph's shape.
 */
export interface ServiceError {
  code: string | null;
  message: string | null;
}

const str = (v: unknown): string | null => (typeof v === "string" && v !== "" ? v : null);

export function readServiceError(body: unknown): ServiceError {
  if (!body || typeof body !== "object") return { code: null, message: null };
  const b = body as Record<string, unknown>;
  const odata = b["odata.error"] as { code?: unknown; message?: { value?: unknown } | unknown } | undefined;
  if (odata && typeof odata === "object") {
    const message = typeof odata.message === "object" && odata.message !== null ? (odata.message as { value?: unknown }).value : odata.message;
    return { code: str(odata.code), message: str(message) };
  }
  if (b.error && typeof b.error === "object") {
    const e = b.error as { code?: unknown; message?: unknown };
    return { code: str(e.code), message: str(e.message) };
  }
  if (typeof b.error === "string" || typeof b.error_description === "string") {
    return { code: str(b.error) ?? (b.error_description ? "invalid_token" : null), message: str(b.error_description) };
  }
  return { code: null, message: null };
}
