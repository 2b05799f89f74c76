import { randomUUID } from "node:crypto";

import { GUID_PATTERN } from "@/lib/identity/tenant-id";

/** The header a client (or a load balancer) may send, that the app reads, and that every response echoes. */
export const REQUEST_ID_HEADER = "x-request-id";

/**
 * The header Microsoft's services read a caller's correlation ID from; Graph echoes it in its
 * answers and in `innerError.client-request-id` of its error bodies.
 * @see https://learn.microsoft.com/graph/best-practices-concept#reliability-and-support
 */
export const CLIENT_REQUEST_ID_HEADER = "client-request-id";

/**
 * A client's `x-request-id` if it is a GUID, lower-cased; anything else (absent, too long, other
 * characters, a header injection attempt) is null. Only a GUID is taken because the ID travels on
 * to Microsoft as `client-request-id`, which Graph documents as a GUID ("generate a unique GUID,
 * send it in the client-request-id HTTP request header, and also log it").
 * @see https://learn.microsoft.com/graph/best-practices-concept#reliability-and-support
 */
export function parseRequestId(value: string | null | undefined): string | null {
  if (typeof value !== "string") return null;
  return GUID_PATTERN.test(value) ? value.toLowerCase() : null;
}

/** A fresh request ID (a random UUID, which is a GUID). */
export function newRequestId(): string {
  return randomUUID();
}

/** The client's ID when it is acceptable, otherwise a new one. */
export function requestIdOrNew(value: string | null | undefined): string {
  return parseRequestId(value) ?? newRequestId();
}
