import { describe, expect, it } from "vitest";

import { generateInviteCode, hashInviteCode, isWellFormedInviteCode } from "@/lib/invites/invite-code";

describe("invite codes", () => {
  it("carry at least 128 random bits and are URL-safe", () => {
    const code = generateInviteCode();
    expect(Buffer.from(code, "base64url").length * 8).toBeGreaterThanOrEqual(128);
    expect(code).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(isWellFormedInviteCode(code)).toBe(true);
  });

  it("never repeat across 10,000 draws", () => {
    const codes = new Set(Array.from({ length: 10_000 }, generateInviteCode));
    expect(codes.size).toBe(10_000);
  });

  it("hash to a stable SHA-256 that does not contain the code", () => {
    const code = generateInviteCode();
    expect(hashInviteCode(code)).toBe(hashInviteCode(code));
    expect(hashInviteCode(code)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashInviteCode(code)).not.toContain(code);
  });

  it.each(["", "short", "x".repeat(27) + "!", "../../etc/passwd", "a".repeat(28)])("rejects the malformed code %j", (code) => {
    expect(isWellFormedInviteCode(code)).toBe(false);
  });
});
