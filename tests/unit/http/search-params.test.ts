import { describe, expect, it } from "vitest";
import { z } from "zod";

import { listHref, parseSearchParams, parseSearchParamsLeniently } from "@/lib/http/search-params";

const schema = z.object({ q: z.string().optional(), state: z.enum(["a", "b"], { error: 'must be "a" or "b"' }).optional(), limit: z.coerce.number().int().max(500, "is at most 500").default(50) }).strict();

describe("search parameters", () => {
  it("are validated as one object, and a repeated one is refused by name", () => {
    expect(parseSearchParams(schema, new URLSearchParams("q=x&limit=7"))).toEqual({ q: "x", limit: 7 });
    expect(() => parseSearchParams(schema, new URLSearchParams("q=x&q=y"))).toThrow(/given twice/);
  });

  it("on a page, drop what does not pass, keep the rest and the first of a repeated one, and say what was dropped", () => {
    const { query, ignored } = parseSearchParamsLeniently(schema, new URLSearchParams("q=first&q=second&state=c&limit=9999&colour=red"));
    expect(query).toEqual({ q: "first", limit: 50 });
    expect(ignored).toEqual(expect.arrayContaining(["colour: not a filter", 'state: must be "a" or "b"', "limit: is at most 500"]));
    expect(ignored).toHaveLength(3);
  });

  it("on a page, take an empty value for what a form's \"Any\" sends: no filter, and nothing to report", () => {
    expect(parseSearchParamsLeniently(schema, new URLSearchParams("q=x&state=&limit="))).toEqual({ query: { q: "x", limit: 50 }, ignored: [] });
  });

  it("make list links that keep only what differs from the defaults", () => {
    expect(listHref("/dashboard", { sort: "name", limit: 50 })).toBe("/dashboard");
    expect(listHref("/dashboard", { sort: "-name", q: "a b" }, { finding: "ews_blocked" })).toBe("/dashboard?sort=-name&q=a+b&finding=ews_blocked");
    expect(listHref("/dashboard/invites", { state: "pending", q: undefined, cursor: "abc" }, { cursor: undefined })).toBe("/dashboard/invites?state=pending");
  });
});
