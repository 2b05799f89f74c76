import type { z } from "zod";
import { AppError } from "@/lib/errors";

/** Serialises a value for a JSON text column; undefined and null stay null. */
export function toJson(value: unknown): string | null {
  return value === undefined || value === null ? null : JSON.stringify(value);
}

/**
 * Parses a JSON text column with its schema. A row that does not parse is reported
 * with the table and column rather than breaking a whole page.
 */
export function fromJson<T>(text: string | null, schema: z.ZodType<T>, where: string): T | null {
  if (text === null) return null;
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new AppError("invalid_stored_data", `Stored JSON in ${where} is not valid JSON.`);
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new AppError("invalid_stored_data", `Stored JSON in ${where} does not match its schema: ${parsed.error.issues[0]?.message ?? "invalid"}.`);
  return parsed.data;
}

export function nowIso(now: Date = new Date()): string {
  return now.toISOString();
}
