import "server-only";

import { readFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";

import { formatPermission, parsePermissionName, permissionKey, type PermissionRef } from "@/lib/permissions/catalog";
import { AppError } from "@/lib/errors";

/**
 * The partner's own "why" per permission, shown on the consent page under Microsoft's
 * description: `permission-reasons.json` in the portal's working folder, an object from
 * `Resource/Permission` (a bare name is Graph's) to one sentence, e.g.
 * `{"Graph/Mail.Read": "We archive your mail.", "Exchange/full_access_as_app": "…"}`.
 * Optional: without the file, or for a permission it does not name, no reason is shown.
 * A file that does not parse is refused with the entry at fault, not ignored.
 */
export const PERMISSION_REASONS_FILE = "permission-reasons.json";

const reasonsSchema = z.record(z.string(), z.string().trim().min(1, "must be a sentence").max(300, "must be at most 300 characters"));

export function parsePermissionReasons(raw: unknown, source = PERMISSION_REASONS_FILE): Map<string, string> {
  const parsed = reasonsSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new AppError("invalid_config", `${source}: ${issue?.path.join(".") || "(root)"} ${issue?.message ?? "is not valid"}; expected {"Graph/Mail.Read": "why the app needs it", ...}.`);
  }
  const reasons = new Map<string, string>();
  for (const [name, why] of Object.entries(parsed.data)) {
    const ref = parsePermissionName(name);
    if ("error" in ref) throw new AppError("invalid_config", `${source}: ${ref.error}.`);
    reasons.set(permissionKey(ref), why);
  }
  return reasons;
}

let cached: { file: string; reasons: Map<string, string> } | null = null;

/** Reads the reasons file once per process; null when there is none. */
export function loadPermissionReasons(cwd: string = process.cwd()): Map<string, string> {
  const file = path.join(cwd, PERMISSION_REASONS_FILE);
  if (cached?.file === file) return cached.reasons;
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") {
      cached = { file, reasons: new Map() };
      return cached.reasons;
    }
    throw error;
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new AppError("invalid_config", `${PERMISSION_REASONS_FILE} is not valid JSON: ${(error as Error).message}`, { cause: error });
  }
  cached = { file, reasons: parsePermissionReasons(raw) };
  return cached.reasons;
}

export function reasonFor(reasons: Map<string, string>, ref: PermissionRef): string | null {
  return reasons.get(permissionKey(ref)) ?? null;
}

export { formatPermission };
