import { describe, expect, it } from "vitest";

import { checkSameOrigin } from "@/lib/session/same-origin";

const BASE = "https://portal.contoso.example";

describe("checkSameOrigin", () => {
  it.each([
    ["the portal's own Origin", { origin: "https://portal.contoso.example" }, BASE],
    ["its own Origin with Sec-Fetch-Site too", { origin: "https://portal.contoso.example", "sec-fetch-site": "same-origin" }, BASE],
    ["no Origin, Sec-Fetch-Site same-origin", { "sec-fetch-site": "same-origin" }, BASE],
    ["a base URL with a path", { origin: "https://portal.contoso.example" }, "https://portal.contoso.example/consentry"],
    ["an explicit port on loopback", { origin: "http://127.0.0.1:3210" }, "http://127.0.0.1:3210"],
  ])("accepts %s", (_label, headers, base) => {
    expect(checkSameOrigin(new Headers(headers), base)).toEqual({ sameOrigin: true });
  });

  it.each([
    ["another site", { origin: "https://evil.example" }, "origin_mismatch"],
    ["a sibling subdomain", { origin: "https://evil.contoso.example" }, "origin_mismatch"],
    ["http instead of https", { origin: "http://portal.contoso.example" }, "origin_mismatch"],
    ["another port", { origin: "https://portal.contoso.example:8443" }, "origin_mismatch"],
    ["Origin: null", { origin: "null" }, "origin_mismatch"],
    ["a foreign Origin even with Sec-Fetch-Site same-origin", { origin: "https://evil.example", "sec-fetch-site": "same-origin" }, "origin_mismatch"],
    ["no Origin, Sec-Fetch-Site cross-site", { "sec-fetch-site": "cross-site" }, "cross_site"],
    ["no Origin, Sec-Fetch-Site same-site", { "sec-fetch-site": "same-site" }, "cross_site"],
    ["no Origin, Sec-Fetch-Site none (typed in the address bar)", { "sec-fetch-site": "none" }, "cross_site"],
    ["neither header (curl, an old browser)", {}, "no_origin"],
  ])("refuses %s", (_label, headers, reason) => {
    const verdict = checkSameOrigin(new Headers(headers), BASE);
    expect(verdict.sameOrigin).toBe(false);
    expect(verdict).toMatchObject({ reason });
  });
});
