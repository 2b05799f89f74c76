import { sign, verify, type KeyObject } from "node:crypto";

/**
 * RS256 compact JWS with node:crypto, as a token service signs and a resource checks.
 * Synchronous RSASSA-PKCS1-v1_5 / SHA-256: the WebCrypto path costs several times more
 * main-thread time per token, which a sandbox issuing thousands of tokens notices.
 */

export type JwtClaims = Record<string, unknown>;

const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");

/** The part of a JWS that is signed: encoded header, a dot, encoded claims. */
export function signingInput(encodedHeader: string, claims: JwtClaims): string {
  return `${encodedHeader}.${encode(claims)}`;
}

/** The base64url RS256 signature of a signing input. */
export function rs256Signature(input: string, privateKey: KeyObject): string {
  return sign("sha256", Buffer.from(input), privateKey).toString("base64url");
}

export function encodeHeader(header: Record<string, unknown>): string {
  return encode(header);
}

export type JwsCheck = { ok: true; header: Record<string, unknown>; claims: JwtClaims } | { ok: false; reason: "malformed" | "signature" };

function parsePart(part: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, "base64url").toString("utf8"));
    return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** Decodes a compact JWT's claims without checking anything (for routing, never for trust). */
export function peekClaims(token: string): JwtClaims | null {
  const parts = token.split(".");
  return parts.length === 3 ? parsePart(parts[1]!) : null;
}

/** Checks an RS256 compact JWS against one public key; lifetime and audience are the caller's. */
export function verifyRs256(token: string, publicKey: KeyObject): JwsCheck {
  const parts = token.split(".");
  if (parts.length !== 3 || parts.some((p) => p.length === 0)) return { ok: false, reason: "malformed" };
  const header = parsePart(parts[0]!);
  const claims = parsePart(parts[1]!);
  if (!header || !claims) return { ok: false, reason: "malformed" };
  if (header.alg !== "RS256") return { ok: false, reason: "signature" };
  const valid = verify("sha256", Buffer.from(`${parts[0]}.${parts[1]}`), publicKey, Buffer.from(parts[2]!, "base64url"));
  return valid ? { ok: true, header, claims } : { ok: false, reason: "signature" };
}
