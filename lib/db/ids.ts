import { randomFillSync } from "node:crypto";

let lastMs = 0;
let sequence = 0;

// Random bytes are drawn 4 KiB at a time: one call per ~400 IDs instead of one per ID.
const pool = Buffer.alloc(4096);
let poolOffset = pool.length;

function randomTail(): Buffer {
  if (poolOffset + 10 > pool.length) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  poolOffset += 10;
  return pool.subarray(poolOffset - 10, poolOffset);
}

/**
 * A UUIDv7 (RFC 9562): the Unix time in milliseconds, then a 12-bit sequence that keeps IDs
 * made in the same millisecond in order, then 62 random bits. For rows that are only ever
 * appended (probe runs and results, consent events, the audit log): new keys land at the
 * end of the primary-key index instead of on a random page, so a commit writes a few
 * pages rather than one per row.
 * @see https://www.rfc-editor.org/rfc/rfc9562#name-uuid-version-7
 */
export function timeOrderedId(now: number = Date.now()): string {
  if (now > lastMs) {
    lastMs = now;
    sequence = 0;
  } else if (++sequence > 0xfff) {
    // More than 4,096 IDs in one millisecond (or the clock went back): borrow the next one.
    lastMs++;
    sequence = 0;
  }
  const bytes = Buffer.alloc(16);
  bytes.writeUIntBE(lastMs, 0, 6);
  randomTail().copy(bytes, 6);
  bytes[6] = 0x70 | (sequence >> 8);
  bytes[7] = sequence & 0xff;
  bytes[8] = 0x80 | (bytes[8]! & 0x3f);
  const hex = bytes.toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
