import { describe, expect, it } from "vitest";

import { estimateSecondsLeft } from "@/lib/probes/bulk";

const now = Date.parse("2030-01-01T00:00:00.000Z");
const inSeconds = (s: number) => new Date(now + s * 1000).toISOString();

describe("the bulk run's ETA", () => {
  it.each([
    { case: "nothing left", remaining: 0, perSecond: 0, stale: 0, staleLeasesEndAt: null, eta: 0 },
    { case: "no rate yet", remaining: 10, perSecond: 0, stale: 0, staleLeasesEndAt: null, eta: null },
    { case: "at the rate so far", remaining: 100, perSecond: 2, stale: 0, staleLeasesEndAt: null, eta: 50 },
    { case: "a dead instance's tenants are done long before the rest", remaining: 100, perSecond: 2, stale: 4, staleLeasesEndAt: inSeconds(15), eta: 50 },
    { case: "only a dead instance's tenants are left: their lease, then their work", remaining: 4, perSecond: 2, stale: 4, staleLeasesEndAt: inSeconds(15), eta: 17 },
    { case: "the lease wait bounds it when it is longer than the rest of the work", remaining: 20, perSecond: 2, stale: 2, staleLeasesEndAt: inSeconds(18), eta: 19 },
    { case: "a lease already run out adds no wait", remaining: 4, perSecond: 2, stale: 4, staleLeasesEndAt: inSeconds(-3), eta: 2 },
  ])("$case", ({ remaining, perSecond, stale, staleLeasesEndAt, eta }) => {
    expect(estimateSecondsLeft({ remaining, perSecond, stale, staleLeasesEndAt, now })).toBe(eta);
  });
});
