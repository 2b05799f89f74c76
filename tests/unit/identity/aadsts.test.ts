import { describe, expect, it } from "vitest";

import { aadstsCodeOf, parseAadsts } from "@/lib/identity/aadsts";

const TRACE = "1f6a92a9-f3a8-4071-889a-6a2ea88d9500";
const CORRELATION = "0d1a5c28-3487-4767-a690-9cc680689523";

describe("parseAadsts", () => {
  it("reads the token endpoint's error_description (lines after the message)", () => {
    const text = `AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '<client>'.\r\nTrace ID: ${TRACE}\r\nCorrelation ID: ${CORRELATION}\r\nTimestamp: 2026-11-30 10:00:00Z`;
    expect(parseAadsts(text)).toEqual({
      code: 7000215,
      message: "Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '<client>'.",
      traceId: TRACE,
      correlationId: CORRELATION,
      timestamp: "2026-11-30 10:00:00Z",
    });
  });

  it("reads msal-node's framing the same way", () => {
    const text = `Error(s): 7000229 - Timestamp: 2026-11-23 03:31:05Z - Description: AADSTS7000229: The client application 5e0c is missing service principal in the tenant 2f6b. Trace ID: ${TRACE} Correlation ID: ${CORRELATION} Timestamp: 2026-11-23 03:31:05Z - Correlation ID: ${CORRELATION} - Trace ID: ${TRACE}`;
    const parsed = parseAadsts(text)!;
    expect(parsed).toMatchObject({ code: 7000229, traceId: TRACE, correlationId: CORRELATION });
    expect(parsed.message).toBe("The client application 5e0c is missing service principal in the tenant 2f6b.");
  });

  it.each([[""], [null], ["invalid_client"], ["AADSTS: nothing"], ["AADSTS12: too short"]])("finds no code in %j", (text) => {
    expect(parseAadsts(text)).toBeNull();
    expect(aadstsCodeOf(text)).toBeNull();
  });

  it("finds a code quoted in a callback's error_description", () => {
    expect(aadstsCodeOf("AADSTS65004: User declined to consent to access the app.")).toBe(65004);
  });
});
