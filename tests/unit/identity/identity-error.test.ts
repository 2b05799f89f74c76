import { describe, expect, it } from "vitest";

import { toIdentityFailure } from "@/lib/identity/identity-error";

describe("toIdentityFailure", () => {
  it("reads the AADSTS code, description and IDs from msal-node's server error", () => {
    const failure = toIdentityFailure({
      errorCode: "invalid_client",
      errorMessage:
        "Error(s): 7000229 - Timestamp: 2026-11-23 03:31:05Z - Description: AADSTS7000229: The client application 5e0c is missing service principal in the tenant 2f6b. See instructions here: https://go.microsoft.com/fwlink/?linkid=2225119 Trace ID: 1f6a92a9-f3a8-4071-889a-6a2ea88d9500 Correlation ID: 0d1a5c28-3487-4767-a690-9cc680689523 Timestamp: 2026-11-23 03:31:05Z - Correlation ID: 0d1a5c28-3487-4767-a690-9cc680689523 - Trace ID: 1f6a92a9-f3a8-4071-889a-6a2ea88d9500",
    });
    expect(failure).toMatchObject({ error: "invalid_client", aadsts: 7000229, traceId: "1f6a92a9-f3a8-4071-889a-6a2ea88d9500", correlationId: "0d1a5c28-3487-4767-a690-9cc680689523" });
    expect(failure.description).toMatch(/^AADSTS7000229: The client application/);
  });

  it("keeps msal-node's own codes when the platform said nothing", () => {
    expect(toIdentityFailure({ errorCode: "endpoints_resolution_error", errorMessage: "Endpoints cannot be resolved" })).toMatchObject({ error: "endpoints_resolution_error", aadsts: null });
    expect(toIdentityFailure(new Error("socket hang up"))).toMatchObject({ error: "unknown_error", aadsts: null, description: "socket hang up", transport: "network", status: null });
  });
});

describe("toIdentityFailure: the answer's status", () => {
  it("keeps the token endpoint's status and error_codes from msal-node's ServerError", async () => {
    const { ServerError } = await import("@azure/msal-node");
    const error = new ServerError("invalid_client", "c", "Error(s): 7000215 - Description: AADSTS7000215: Invalid client secret provided.", undefined, "7000215", 401);
    expect(toIdentityFailure(error)).toMatchObject({ aadsts: 7000215, status: 401, transport: null });
  });

  it("keeps the status of an answer that was not JSON, and says timeout for no answer", async () => {
    const { TokenTransportError } = await import("@/lib/identity/identity-error");
    const { HttpTimeoutError } = await import("@/lib/net/http");
    expect(toIdentityFailure(new TokenTransportError("not_json", 503, "HTTP 503 without a JSON body"))).toMatchObject({ status: 503, transport: null, aadsts: null });
    expect(toIdentityFailure(TokenTransportError.from(new HttpTimeoutError()))).toMatchObject({ status: null, transport: "timeout" });
  });
});
