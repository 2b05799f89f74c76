import "server-only";

import { GUID_SOURCE } from "@/lib/identity/tenant-id";

/**
 * The one reader of identity-platform error texts in the project. Microsoft's token and
 * authorize endpoints put an `AADSTSnnnn: message` first in `error_description`, followed by
 * `Trace ID:`, `Correlation ID:` and `Timestamp:` lines; msal-node wraps that in its own
 * `Error(s): … - Description: … - Correlation ID: … - Trace ID: …` framing. Both read the same.
 * @see https://learn.microsoft.com/entra/identity-platform/reference-error-codes#handling-error-codes-in-your-application
 */
export interface AadstsText {
  /** The number after AADSTS, e.g. 7000215. */
  code: number;
  /** The message after `AADSTSnnnn:`, first line only, without msal-node's framing. */
  message: string;
  traceId: string | null;
  correlationId: string | null;
  timestamp: string | null;
}

const GUID = GUID_SOURCE;
const CODE = /AADSTS(\d{4,8})\b:?\s*/;

/** The first AADSTS code in a text, or null. */
export function aadstsCodeOf(text: string | null | undefined): number | null {
  const match = text ? CODE.exec(text) : null;
  return match ? Number(match[1]) : null;
}

/** Reads an `error_description` (or any text quoting one); null when it holds no AADSTS code. */
export function parseAadsts(text: string | null | undefined): AadstsText | null {
  if (!text) return null;
  const match = CODE.exec(text);
  if (!match) return null;
  const rest = text.slice(match.index + match[0].length);
  const message = rest.split(/\r?\n|\s+(?:-\s+)?(?:Correlation ID|Trace ID|Timestamp):/)[0]!.trim();
  return {
    code: Number(match[1]),
    message,
    traceId: new RegExp(`Trace ID:\\s*(${GUID})`, "i").exec(text)?.[1]?.toLowerCase() ?? null,
    correlationId: new RegExp(`Correlation ID:\\s*(${GUID})`, "i").exec(text)?.[1]?.toLowerCase() ?? null,
    timestamp: /Timestamp:\s*(\d{4}-\d{2}-\d{2}[ T][\d:.]+Z?)/.exec(text)?.[1] ?? null,
  };
}
