import { describe, expect, it } from "vitest";

import { safeReturnTo } from "@/lib/auth/partner-sign-in";

describe("safeReturnTo", () => {
  it.each(["/dashboard", "/dashboard/invites?x=1"])("keeps the local path %s", (path) => {
    expect(safeReturnTo(path)).toBe(path);
  });

  it.each([null, "", "https://evil.example/", "//evil.example", "/\\evil.example", "dashboard", "/x\u0000y", `/${"a".repeat(600)}`])("replaces %j with /dashboard", (value) => {
    expect(safeReturnTo(value)).toBe("/dashboard");
  });
});
