import { describe, expect, it } from "vitest";

import { decryptWebhookSecret, encryptWebhookSecret, generateWebhookSecret } from "@/lib/webhooks/secret";

const password = "a-session-password-of-at-least-32-characters";

describe("webhook secrets", () => {
  it("are whsec_ and 32 random bytes in base64", () => {
    const secret = generateWebhookSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(secret.slice(6), "base64")).toHaveLength(32);
    expect(generateWebhookSecret()).not.toBe(secret);
  });

  it("are stored encrypted, never in clear, and read back with the same password", () => {
    const secret = generateWebhookSecret();
    const stored = encryptWebhookSecret(secret, password);
    expect(stored).toMatch(/^v1\./);
    expect(stored).not.toContain(secret);
    expect(stored).not.toContain(secret.slice(6));
    expect(stored).not.toContain(Buffer.from(secret).toString("base64url"));
    expect(encryptWebhookSecret(secret, password)).not.toBe(stored); // a fresh IV each time
    expect(decryptWebhookSecret(stored, password)).toBe(secret);
  });

  it.each([
    ["another password", (s: string) => s, "another-session-password-of-32-characters!!"],
    ["a tampered ciphertext", (s: string) => s.slice(0, -2) + (s.endsWith("AA") ? "BB" : "AA"), password],
    ["an unknown format", () => "v0.x.y.z", password],
  ])("refuses %s", (_what, change, key) => {
    const stored = change(encryptWebhookSecret(generateWebhookSecret(), password));
    expect(() => decryptWebhookSecret(stored, key)).toThrow(expect.objectContaining({ code: "webhook_secret_unreadable" }));
  });
});
