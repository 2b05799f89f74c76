import { describe, expect, it } from "vitest";

import { MSAL_SHARDS, shardOf } from "@/lib/identity/msal-client";

function counts(ids: string[]): number[] {
  const perShard = new Array<number>(MSAL_SHARDS).fill(0);
  for (const id of ids) perShard[shardOf(id)]!++;
  return perShard;
}

describe("shardOf", () => {
  it("always puts a tenant on the same shard, within range", () => {
    const id = "5e0c1d2a-7b3f-4c59-9a8e-0d6f2b4c8a17";
    expect(shardOf(id)).toBe(shardOf(id));
    expect(shardOf(id)).toBeGreaterThanOrEqual(0);
    expect(shardOf(id)).toBeLessThan(MSAL_SHARDS);
  });

  it("spreads IDs that differ only in their last digits over every shard", () => {
    // The shape of sequentially numbered tenants (the benchmark's, a test fixture's).
    const ids = Array.from({ length: 1100 }, (_, i) => `b0000000-0000-4000-8000-${String(i).padStart(12, "0")}`);
    const perShard = counts(ids);
    const mean = ids.length / MSAL_SHARDS;
    expect(Math.min(...perShard)).toBeGreaterThan(0);
    expect(Math.max(...perShard)).toBeLessThan(2 * mean);
  });

  it("spreads random tenant IDs evenly too", () => {
    const ids = Array.from({ length: 6400 }, () => crypto.randomUUID());
    const perShard = counts(ids);
    expect(Math.min(...perShard)).toBeGreaterThan(50);
    expect(Math.max(...perShard)).toBeLessThan(150);
  });
});
