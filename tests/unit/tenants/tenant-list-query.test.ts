import { describe, expect, it } from "vitest";

import { parseTenantListQuery, readTenantListQueryLeniently } from "@/lib/tenants/tenant-list";

describe("the tenant list's query", () => {
  it("has defaults, and turns text into typed filters", () => {
    expect(parseTenantListQuery(new URLSearchParams(""))).toEqual({ sort: "name", limit: 50, q: undefined });
    expect(parseTenantListQuery(new URLSearchParams("q=%20north%20&needsReconsent=true&limit=10&permissionSetVersion=3&check=failing"))).toMatchObject({ q: "north", needsReconsent: true, limit: 10, permissionSetVersion: 3, check: "failing" });
  });

  it("on a page, drops what does not pass and says what it dropped", () => {
    const { query, ignored } = readTenantListQueryLeniently(new URLSearchParams("q=contoso&status=happy&limit=9999&colour=red&sort=-name"));
    expect(query).toMatchObject({ q: "contoso", sort: "-name", limit: 50 });
    expect(query.status).toBeUndefined();
    expect(ignored).toEqual(expect.arrayContaining(["colour: not a filter", expect.stringMatching(/^status: must be one of/), "limit: must be a number from 1 to 500"]));
  });
});
