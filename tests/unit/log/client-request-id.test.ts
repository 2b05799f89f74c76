import { describe, expect, it } from "vitest";

import { runWithRequestId } from "@/lib/log/request-context";
import { withClientRequestId } from "@/lib/net/http";

const ID = "7d4c1b2a-3e5f-4a6b-8c9d-0e1f2a3b4c5d";

describe("withClientRequestId (every request to Microsoft)", () => {
  it("adds the current request's ID as client-request-id and keeps the other headers", () => {
    const headers = runWithRequestId(ID, () => withClientRequestId({ authorization: "Bearer x", accept: "application/json" }));
    expect(headers).toEqual({ authorization: "Bearer x", accept: "application/json", "client-request-id": ID });
  });

  it("adds nothing outside a request or run", () => {
    expect(withClientRequestId({ accept: "application/json" })).toEqual({ accept: "application/json" });
  });

  it("keeps a client-request-id the caller set, whatever its case", () => {
    expect(runWithRequestId(ID, () => withClientRequestId({ "Client-Request-Id": "caller" }))).toEqual({ "Client-Request-Id": "caller" });
  });

  it("never changes the caller's object", () => {
    const original = { accept: "application/json" };
    runWithRequestId(ID, () => withClientRequestId(original));
    expect(original).toEqual({ accept: "application/json" });
  });
});
