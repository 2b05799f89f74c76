import { describe, expect, it } from "vitest";

import { inviteState } from "@/lib/db/repositories/invites";

const now = new Date("2026-05-10T12:00:00.000Z");
const base = { revoked_at: null, consented_at: null, failed_at: null, opened_at: null, expires_at: "2026-05-20T12:00:00.000Z" };

describe("inviteState", () => {
  it.each([
    ["pending", {}],
    ["opened", { opened_at: "2026-05-09T00:00:00.000Z" }],
    ["failed", { opened_at: "2026-05-09T00:00:00.000Z", failed_at: "2026-05-09T00:01:00.000Z" }],
    ["consented", { failed_at: "2026-05-09T00:01:00.000Z", consented_at: "2026-05-09T00:02:00.000Z" }],
    ["expired", { opened_at: "2026-05-09T00:00:00.000Z", expires_at: "2026-05-10T12:00:00.000Z" }],
    ["consented", { consented_at: "2026-05-09T00:02:00.000Z", expires_at: "2026-05-10T00:00:00.000Z" }],
    ["revoked", { consented_at: "2026-05-09T00:02:00.000Z", revoked_at: "2026-05-09T00:03:00.000Z" }],
    ["revoked", { revoked_at: "2026-05-09T00:03:00.000Z", expires_at: "2026-05-01T00:00:00.000Z" }],
  ] as const)("is %s for %j", (state, fields) => {
    expect(inviteState({ ...base, ...fields }, now)).toBe(state);
  });
});
