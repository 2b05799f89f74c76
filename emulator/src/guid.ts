import { z } from "zod";

/** A GUID as Entra ID writes tenant, app and object ids: 8-4-4-4-12 hex digits. */
const GUID_SOURCE = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";

/** The whole string is a GUID (any case). */
export const GUID = new RegExp(`^${GUID_SOURCE}$`, "i");

/** A GUID in a scenario or control body: refused with "must be a GUID", kept in lower case. */
export const guidSchema = z.string().regex(GUID, "must be a GUID").transform((s) => s.toLowerCase());

/**
 * The GUID where `template` says `{guid}`, when the whole of `text` matches it, or null
 * (`guidIn("servicePrincipals(appId='{guid}')", segment)`, Graph's alternate key).
 */
export function guidIn(template: string, text: string): string | null {
  const [before, after = ""] = template.split("{guid}");
  const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const match = new RegExp(`^${escape(before!)}(${GUID_SOURCE})${escape(after)}$`, "i").exec(text);
  return match ? match[1]! : null;
}
