import { randomFillSync } from "node:crypto";

// Drawn 4 KiB at a time: one call into the system's generator per ~250 IDs, not per ID.
const pool = Buffer.alloc(4096);
let offset = pool.length;

/** `bytes` random bytes as base64url, the shape of Entra ID's opaque claims (uti, aio, rh). */
export function randomId(bytes = 16): string {
  if (bytes > pool.length) return randomFillSync(Buffer.alloc(bytes)).toString("base64url");
  if (offset + bytes > pool.length) {
    randomFillSync(pool);
    offset = 0;
  }
  offset += bytes;
  return pool.toString("base64url", offset - bytes, offset);
}
