import "server-only";

import { createHash, randomBytes, randomUUID } from "node:crypto";
import { z } from "zod";

import { isPartnerRole, PARTNER_ROLES, type PartnerRole } from "@/lib/auth/roles";
import { getConfig } from "@/lib/config";
import type { Db } from "@/lib/db/database";
import { findActiveApiKeyByHash, insertApiKey, listApiKeys, revokeApiKeyRow, touchApiKey, type ApiKey } from "@/lib/db/repositories/api-keys";
import { appendAudit } from "@/lib/db/repositories/audit";
import { AppError } from "@/lib/errors";
import type { Partner } from "@/lib/session/partner-session";
import { NO_REQUEST_META, type Meta } from "@/lib/http/request-meta";

/**
 * API keys: `csk_` + 8 characters shown as the key's prefix + 32 random bytes (base64url).
 * Only the SHA-256 of the whole key is stored: a key has 256 random bits, so a fast hash is
 * enough (nothing to brute-force), and lookups stay one indexed query.
 */
const KEY_PATTERN = /^csk_([A-Za-z0-9_-]{8})_([A-Za-z0-9_-]{43})$/;

export const apiKeyInputSchema = z.object({
  name: z
    .string({ error: "is required" })
    .trim()
    .min(1, "is required")
    .max(80, "is at most 80 characters")
    .regex(/^[\p{L}\p{N} ._()-]+$/u, "may hold letters, digits, spaces and . _ ( ) -"),
  role: z.enum(PARTNER_ROLES, { error: `must be one of ${PARTNER_ROLES.join(", ")}` }),
});
export type ApiKeyInput = z.input<typeof apiKeyInputSchema>;

export function hashApiKey(key: string): string {
  return createHash("sha256").update(key, "utf8").digest("hex");
}

/** Creates a key; the returned `key` is the only time it exists in clear. Audited. */
export async function createApiKey(db: Db, input: ApiKeyInput, actor: string, meta: Meta = NO_REQUEST_META): Promise<{ apiKey: ApiKey; key: string }> {
  const parsed = apiKeyInputSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new AppError("invalid_input", `${String(issue.path[0] ?? "input")} ${issue.message}.`, { cause: parsed.error });
  }
  const prefix = randomBytes(6).toString("base64url");
  const key = `csk_${prefix}_${randomBytes(32).toString("base64url")}`;
  const apiKey = await insertApiKey(db, { id: randomUUID(), name: parsed.data.name, role: parsed.data.role, prefix: `csk_${prefix}`, keyHash: hashApiKey(key), createdBy: actor });
  await appendAudit(db, { actor, action: "api_key.created", target: apiKey.id, details: { name: apiKey.name, role: apiKey.role, prefix: apiKey.prefix }, ...meta });
  return { apiKey, key };
}

export async function revokeApiKey(db: Db, id: string, actor: string, meta: Meta = NO_REQUEST_META): Promise<void> {
  if (!z.uuid().safeParse(id).success || !(await revokeApiKeyRow(db, id, actor))) throw new AppError("api_key_not_found", "No such API key, or it was revoked already.");
  await appendAudit(db, { actor, action: "api_key.revoked", target: id, ...meta });
}

export { listApiKeys };

/** The audit log's actor for a key: its name, so a log reader sees which automation did what. */
export const apiKeyActor = (key: Pick<ApiKey, "name">) => `api-key:${key.name}`;

/**
 * The caller an `Authorization: Bearer <key>` header names: the key as a partner principal
 * with the key's role, or null for a missing, malformed, unknown or revoked key.
 */
export async function authenticateApiKey(db: Db, authorization: string | null): Promise<Partner | null> {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? "");
  if (!match || !KEY_PATTERN.test(match[1]!)) return null;
  const key = await findActiveApiKeyByHash(db, hashApiKey(match[1]!));
  if (!key || !isPartnerRole(key.role)) return null;
  await touchApiKey(db, key.id);
  const now = Date.now();
  return { oid: `api-key:${key.id}`, tenantId: getConfig().partnerTenantId, username: apiKeyActor(key), name: key.name, role: key.role as PartnerRole, signedInAt: now, lastSeenAt: now, sessionVersion: 1 };
}
