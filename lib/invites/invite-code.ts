import "server-only";

import { createHash, randomBytes } from "node:crypto";

/** 160 random bits, base64url: 27 characters, safe in a path segment. */
const CODE_BYTES = 20;
const CODE_PATTERN = /^[A-Za-z0-9_-]{27}$/;

/** A fresh invite code. Only its hash is stored; the code exists in the link alone. */
export function generateInviteCode(): string {
  return randomBytes(CODE_BYTES).toString("base64url");
}

/** True when the text has the shape of a code, so junk never reaches the database. */
export function isWellFormedInviteCode(code: string): boolean {
  return CODE_PATTERN.test(code);
}

/**
 * SHA-256 of the code. A plain hash suffices because the code carries 160 random
 * bits: nothing can be guessed from the hash, and lookups stay a single indexed read.
 */
export function hashInviteCode(code: string): string {
  return createHash("sha256").update(code, "utf8").digest("hex");
}
