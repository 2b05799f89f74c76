import "server-only";

import { sql, type RawBuilder, type SqlBool } from "kysely";
import { z } from "zod";

/**
 * Keyset paging for the lists (tenants, invites): a page ends at its last row's sort value and ID,
 * and the next page starts after that pair. Stable under inserts, and no OFFSET scan: the condition
 * bounds the sort value on its own, which SQLite and PostgreSQL both turn into a range of the list's
 * `(sort value, id)` index, so each page reads from where the last one ended.
 */
export interface Cursor {
  /** The last row's sort value. */
  v: string | null;
  /** The last row's ID (the tie-break). */
  id: string;
}

/** Opaque to clients: base64url JSON. */
export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify(cursor), "utf8").toString("base64url");
}

/** The cursor a client sent back, or null when it is not one this code made. */
export function decodeCursor(text: string): Cursor | null {
  try {
    const value = JSON.parse(Buffer.from(text, "base64url").toString("utf8")) as unknown;
    if (typeof value !== "object" || value === null) return null;
    const { v, id } = value as { v?: unknown; id?: unknown };
    if ((v !== null && typeof v !== "string") || typeof id !== "string" || id.length > 64) return null;
    return { v, id };
  } catch {
    return null;
  }
}

/**
 * The `cursor` query parameter: text this code made. A forged or damaged cursor is refused by name
 * (422 from the API; ignored, and said so, on a page) instead of silently starting over.
 */
export const cursorParamSchema = z
  .string()
  .max(300, "is not a cursor this API gave")
  .regex(/^[A-Za-z0-9_-]+$/, "is not a cursor this API gave")
  .refine((text) => decodeCursor(text) !== null, "is not a cursor this API gave");

/**
 * The rows after `after` in the order `sortValue, id`, both ascending or both descending (so one
 * index on `(sortValue, id)` serves either direction, walked forwards or backwards).
 */
export function afterCursor(sortValue: RawBuilder<string>, id: RawBuilder<string>, after: Cursor, descending: boolean): RawBuilder<SqlBool> {
  const v = after.v ?? "";
  // The leading bound on the sort value alone is what both engines start the index range from (a
  // row-value comparison is not, over SQLite's expression indexes); the rest breaks the tie.
  return descending
    ? sql<SqlBool>`(${sortValue} <= ${v} and (${sortValue} < ${v} or ${id} < ${after.id}))`
    : sql<SqlBool>`(${sortValue} >= ${v} and (${sortValue} > ${v} or ${id} > ${after.id}))`;
}
