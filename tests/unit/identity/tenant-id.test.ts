import { describe, expect, it } from "vitest";

import { isGuid, isTenantDomain, isTenantGuid } from "@/lib/identity/tenant-id";

describe("tenant IDs", () => {
  it.each([
    ["a tenant ID", "8d2f6a41-3c7e-4b90-a1d5-6e9f0b2c4d71", true],
    ["one in capitals", "8D2F6A41-3C7E-4B90-A1D5-6E9F0B2C4D71", true],
    ["a UUIDv7 record ID", "0190d4c8-7e6f-7000-8000-000000000000", true],
    ["36 hyphens", "-".repeat(36), false],
    ["hyphens in the wrong places", "8d2f6a413-c7e-4b90-a1d5-6e9f0b2c4d71", false],
    ["a domain", "contoso.com", false],
    ["a GUID with a path", "8d2f6a41-3c7e-4b90-a1d5-6e9f0b2c4d71/v2.0", false],
  ])("accepts only 8-4-4-4-12 hexadecimal digits: %s", (_name, value, expected) => {
    expect(isGuid(value)).toBe(expected);
    expect(isTenantGuid(value)).toBe(expected);
  });

  it("tells a domain from a GUID", () => {
    expect(isTenantDomain("contoso.onmicrosoft.com")).toBe(true);
    expect(isTenantDomain("8d2f6a41-3c7e-4b90-a1d5-6e9f0b2c4d71")).toBe(false);
  });
});
