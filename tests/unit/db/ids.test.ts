import { describe, expect, it } from "vitest";

import { timeOrderedId } from "@/lib/db/ids";

describe("time-ordered IDs (UUIDv7)", () => {
  it("are UUIDs of version 7 and the RFC 9562 variant, carrying their millisecond", () => {
    const at = Date.UTC(2026, 10, 23, 9, 30);
    const id = timeOrderedId(at);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(parseInt(id.replace(/-/g, "").slice(0, 12), 16)).toBeGreaterThanOrEqual(at);
  });

  it("sort in the order they were made, within one millisecond and across many", () => {
    const now = Date.now() + 60_000;
    const ids = [...Array.from({ length: 5000 }, () => timeOrderedId(now)), ...Array.from({ length: 100 }, (_, i) => timeOrderedId(now + 1 + i))];
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
  });

  it("never go backwards when the clock does", () => {
    const a = timeOrderedId(Date.now() + 120_000);
    const b = timeOrderedId(Date.now());
    expect(b > a).toBe(true);
  });
});
