import "server-only";

import { sql, type RawBuilder } from "kysely";

/** `text` lower-cased, with LIKE's wildcards and the escape character escaped (used with {@link LIKE_ESCAPE}). */
function literal(text: string): string {
  return text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** A LIKE pattern matching values that contain `text` (compare it with a lower-cased value). */
export function containsPattern(text: string): string {
  return `%${literal(text)}%`;
}

/** A LIKE pattern matching values that start with `text`. */
export function prefixPattern(text: string): string {
  return `${literal(text)}%`;
}

/** The ESCAPE clause the patterns above need, the same on SQLite and PostgreSQL. */
export const LIKE_ESCAPE: RawBuilder<unknown> = sql`escape '\\'`;
