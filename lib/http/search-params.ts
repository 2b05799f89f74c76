import { z } from "zod";

/** URL search parameters as one object, a repeated one refused by name, then validated by `schema`. */
export function parseSearchParams<T extends z.ZodType>(schema: T, params: URLSearchParams): z.output<T> {
  const entries: Record<string, string> = {};
  for (const [key, value] of params) {
    if (key in entries) throw new z.ZodError([{ code: "custom", path: [key], message: "is given twice", input: value }]);
    entries[key] = value;
  }
  return schema.parse(entries);
}
