import { NextRequest } from "next/server";
import { describe, expect, it } from "vitest";

import { currentRequestId, requestIdFromHeaders, runAsBackgroundWork, runWithRequestId, withRequestId } from "@/lib/log/request-context";
import { newRequestId, parseRequestId, requestIdOrNew } from "@/lib/log/request-id";

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const CLIENT_ID = "6f1d2c3b-4a59-4e8d-9c7b-0a1b2c3d4e5f";

describe("the request ID rule", () => {
  it("takes a client's GUID, lower-cased", () => {
    expect(parseRequestId(CLIENT_ID)).toBe(CLIENT_ID);
    expect(parseRequestId(CLIENT_ID.toUpperCase())).toBe(CLIENT_ID);
  });

  it.each([
    ["absent", null],
    ["empty", ""],
    ["a word", "hello"],
    ["a GUID in braces", `{${CLIENT_ID}}`],
    ["a GUID with spaces around", ` ${CLIENT_ID} `],
    ["a GUID with more after it", `${CLIENT_ID}-x`],
    ["a header injection", `${CLIENT_ID}\r\nset-cookie: a=b`],
    ["a log injection", `${CLIENT_ID}"}\n{"level":"fatal"`],
    ["too long", "a".repeat(500)],
    ["32 hex digits without dashes", CLIENT_ID.replace(/-/g, "")],
  ])("refuses %s", (_name, value) => {
    expect(parseRequestId(value)).toBeNull();
    expect(requestIdOrNew(value)).toMatch(GUID);
  });

  it("makes a new random GUID each time", () => {
    const ids = new Set(Array.from({ length: 100 }, newRequestId));
    expect(ids.size).toBe(100);
    for (const id of ids) expect(id).toMatch(GUID);
  });
});

describe("the request context", () => {
  it("is the ID a run was given, through awaits and timers, and nothing outside", async () => {
    expect(currentRequestId()).toBeUndefined();
    const seen = await runWithRequestId(CLIENT_ID, async () => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      return currentRequestId();
    });
    expect(seen).toBe(CLIENT_ID);
    expect(currentRequestId()).toBeUndefined();
  });

  it("gives background work its own ID per run, unless a request started it", () => {
    const first = runAsBackgroundWork(() => currentRequestId());
    const second = runAsBackgroundWork(() => currentRequestId());
    expect(first).toMatch(GUID);
    expect(second).toMatch(GUID);
    expect(first).not.toBe(second);
    expect(runWithRequestId(CLIENT_ID, () => runAsBackgroundWork(() => currentRequestId()))).toBe(CLIENT_ID);
  });

  it("runs a route handler under the ID proxy.ts passed in x-request-id (a new one when there is none)", async () => {
    const handler = withRequestId(async (_request: NextRequest) => currentRequestId());
    expect(await handler(new NextRequest("http://localhost/api/x", { headers: { "x-request-id": CLIENT_ID } }))).toBe(CLIENT_ID);
    expect(await handler(new NextRequest("http://localhost/api/x"))).toMatch(GUID);
    expect(requestIdFromHeaders(new Headers({ "x-request-id": "not-an-id" }))).toMatch(GUID);
  });
});
