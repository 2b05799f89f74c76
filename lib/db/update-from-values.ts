import "server-only";

import { sql, type RawBuilder } from "kysely";

import type { Db } from "@/lib/db/database";

/** Rows per statement: a few hundred keeps even wide rows far below either engine's bound-parameter limit. */
const CHUNK = 200;

export interface UpdateFromValues {
  table: string;
  /** The column each row is matched on; its value comes first in every row. */
  key: string;
  /** The columns set from each row's values, in the order they follow the key. */
  columns: readonly string[];
  rows: readonly (readonly unknown[])[];
  /** Columns PostgreSQL must cast: it types an untyped VALUES column as text. */
  casts?: Readonly<Record<string, "integer">>;
  /** Assignments that are the same for every row. */
  alsoSet?: readonly RawBuilder<unknown>[];
  /** Conditions on the target rows besides the key. */
  where?: readonly RawBuilder<unknown>[];
}

/**
 * Updates many rows with their own values in one statement per few hundred: an UPDATE
 * joined to a VALUES list, instead of a statement (and on PostgreSQL a round trip) per row.
 * Works on SQLite and PostgreSQL, which both name VALUES columns column1, column2, ...
 * Returns the keys of the rows it updated.
 */
export async function updateFromValues(db: Db, update: UpdateFromValues): Promise<string[]> {
  const assignments = update.columns.map((name, i) => {
    const value = sql.ref(`v.column${i + 2}`);
    return sql`${sql.ref(name)} = ${update.casts?.[name] ? sql`cast(${value} as ${sql.raw(update.casts[name]!)})` : value}`;
  });
  const conditions = [sql`${sql.ref(`${update.table}.${update.key}`)} = v.column1`, ...(update.where ?? [])];
  const updated: string[] = [];
  for (let i = 0; i < update.rows.length; i += CHUNK) {
    const values = update.rows.slice(i, i + CHUNK).map((row) => sql`(${sql.join(row.map((value) => value ?? null))})`);
    const result = await sql<{ key: string }>`
      update ${sql.table(update.table)} set ${sql.join([...assignments, ...(update.alsoSet ?? [])])}
        from (values ${sql.join(values)}) as v
       where ${sql.join(conditions, sql` and `)}
      returning ${sql.ref(`${update.table}.${update.key}`)} as key`.execute(db);
    updated.push(...result.rows.map((r) => r.key));
  }
  return updated;
}
