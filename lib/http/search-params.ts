import { z } from "zod";

/** A list's `q`: trimmed, at most 200 characters, absent when empty. */
export const searchTextParam = z
  .string()
  .trim()
  .max(200, "is at most 200 characters")
  .optional()
  .transform((v) => v || undefined);

/** A list's `limit`: a whole number from 1 to 500, `fallback` when absent. */
export function pageLimitParam(fallback: number) {
  const message = "must be a number from 1 to 500";
  return z.coerce.number({ error: message }).int(message).min(1, message).max(500, message).default(fallback);
}

/** URL search parameters as one object, a repeated one refused by name, then validated by `schema`. */
export function parseSearchParams<T extends z.ZodType>(schema: T, params: URLSearchParams): z.output<T> {
  const entries: Record<string, string> = {};
  for (const [key, value] of params) {
    if (key in entries) throw new z.ZodError([{ code: "custom", path: [key], message: "is given twice", input: value }]);
    entries[key] = value;
  }
  return schema.parse(entries);
}

/**
 * For a page, not an API: `schema` over the parameters with every one that does not pass dropped
 * (the first of a repeated one kept, empty ones skipped), and what was wrong with each, so a
 * mistyped link still shows the list (and says what it ignored). `schema` must accept an empty
 * object.
 */
export function parseSearchParamsLeniently<T extends z.ZodType>(schema: T, params: URLSearchParams): { query: z.output<T>; ignored: string[] } {
  const entries = new Map<string, string>();
  // An empty value is a form's "Any" (a GET form sends every field), so it is not a filter.
  for (const [key, value] of params) if (!entries.has(key) && value !== "") entries.set(key, value);
  const ignored: string[] = [];
  for (let attempt = 0; attempt < 12; attempt++) {
    const parsed = schema.safeParse(Object.fromEntries(entries));
    if (parsed.success) return { query: parsed.data, ignored };
    const issue = parsed.error.issues[0]!;
    const keys = issue.code === "unrecognized_keys" ? issue.keys : [String(issue.path[0] ?? "")];
    for (const key of keys) {
      ignored.push(issue.code === "unrecognized_keys" ? `${key}: not a filter` : `${key}: ${issue.message}`);
      entries.delete(key);
    }
  }
  return { query: schema.parse({}), ignored };
}

/**
 * A list page's URL for a query (tenants, invites): only what differs from the lists' defaults
 * (sort by name, 50 a page), with `change` applied, for links between filters and pages.
 */
export function listHref(base: string, query: Record<string, unknown>, change: Record<string, string | number | boolean | undefined> = {}): string {
  const merged: Record<string, unknown> = { ...query, ...change };
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(merged)) {
    if (value === undefined || value === null || value === "") continue;
    if (key === "sort" && value === "name") continue;
    if (key === "limit" && value === 50) continue;
    params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `${base}?${text}` : base;
}
