import { describe, expect, it } from "vitest";
import { ZodError } from "zod";

import { explainError, explainInputProblem, explainInputSchema, factsFromExplainInput } from "@/lib/diagnosis/explain";
import { MICROSOFT_ERROR_TEXTS } from "../../fixtures/microsoft-error-texts";

const ms = (key: string) => MICROSOFT_ERROR_TEXTS.find((e) => e.key === key)!.text;

function problemOf(raw: unknown): string {
  try {
    explainError(raw);
  } catch (error) {
    if (error instanceof ZodError) return explainInputProblem(error);
    throw error;
  }
  throw new Error("expected a problem");
}

describe("explainError", () => {
  it("reads a token endpoint's JSON error", () => {
    const e = explainError({ status: 401, body: { error: "invalid_client", error_description: "AADSTS7000215: Invalid client secret provided.", error_codes: [7000215] }, probe: "token" });
    expect(e).toMatchObject({ id: "secret_invalid", actor: "partner", known: true });
    expect(Object.keys(e).sort()).toEqual(["actor", "docs", "evidence", "fix", "id", "known", "title"]);
  });

  it("says known: false for an invented code, never an outage", () => {
    const e = explainError({ status: 500, body: { error: "server_error", error_description: "AADSTS999999: Invented.", error_codes: [999999] }, probe: "token" });
    expect(e).toMatchObject({ id: "unknown", known: false });
    expect(e).not.toHaveProperty("docs");
  });

  it("reads a Graph error body given as text", () => {
    const body = JSON.stringify({ error: { code: "MailboxNotEnabledForRESTAPI", message: ms("graph.MailboxNotEnabledForRESTAPI.current") } });
    expect(explainError({ status: 404, body, probe: "mail", context: { onPremisesSyncEnabled: true } }).id).toBe("mailbox_on_premises");
    expect(explainError({ status: 404, body, probe: "mail" }).id).toBe("mailbox_not_enabled");
  });

  it("reads EWS's SOAP fault", () => {
    const body = `<?xml version="1.0"?><s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><s:Fault><faultcode>a:ErrorNonExistentMailbox</faultcode><faultstring>The SMTP address has no mailbox associated with it.</faultstring><detail><e:ResponseCode xmlns:e="x">ErrorNonExistentMailbox</e:ResponseCode></detail></s:Fault></s:Body></s:Envelope>`;
    expect(explainError({ status: 500, body, probe: "ews", context: { softDeleted: true } }).id).toBe("mailbox_soft_deleted");
  });

  it("reads header lines and IIS log lines pasted as text", () => {
    expect(explainError({ text: `HTTP/1.1 403 Forbidden\nX-EWS-Policy-Reason: ${ms("ews.blocked")}` }).id).toBe("ews_blocked");
    const iis = `2019-05-13 09:12:44 10.0.0.5 GET /api/v2.0/Users('a@b')/messages - 443 - 10.0.0.9 - - 401 0 0 15 2000008;reason="The+token+should+have+valid+permissions+or+linked+account+associated+with+partner+application+'00000003-0000-0000-c000-000000000000'.";error_category="invalid_grant"`;
    expect(explainError({ text: iis }).id).toBe("hybrid_partner_app_permissions");
  });

  it("reads a PowerShell error", () => {
    expect(explainError({ text: `Write-ErrorMessage : ${ms("exchange.InsufficientPermissionsException.targetDC")}` }).id).toBe("exchange_addressing");
  });

  it("uses the probe's permission from the catalog", () => {
    const facts = factsFromExplainInput(explainInputSchema.parse({ status: 403, probe: "users", context: { tokenRoles: ["Organization.Read.All"] } }));
    expect(facts).toMatchObject({ permission: "User.Read.All", tokenRoles: ["Organization.Read.All"] });
    expect(explainError({ status: 403, probe: "users", body: { error: { code: "Authorization_RequestDenied", message: "Insufficient privileges to complete the operation." } }, context: { tokenRoles: ["Organization.Read.All"] } }).id).toBe("permission_not_granted");
  });

  it("says the retired Exchange client when the context names it", () => {
    expect(explainError({ status: 400, body: { error: "invalid_client", error_description: ms("aadsts.700025") }, context: { clientId: "a0c73c16-a7e3-4564-9a95-2bdf47383716" } }).id).toBe("retired_exchange_client");
  });

  it("reads a status given as digits, as a form or a log gives it", () => {
    expect(explainError({ status: "401", body: { error: "invalid_client", error_description: "AADSTS7000215: Invalid client secret provided." } })).toMatchObject({ id: "secret_invalid" });
  });

  it("says so, instead of crashing, for a body nested too deeply to show", () => {
    let body: Record<string, unknown> = { a: 1 };
    for (let i = 0; i < 20_000; i++) body = { a: body };
    expect(explainError({ body })).toMatchObject({ id: "unknown", known: false, evidence: ["Text: (a JSON body too deeply nested to show)"] });
  });

  it("explains an empty object as unknown", () => {
    expect(explainError({})).toMatchObject({ id: "unknown", known: false });
  });

  it.each([
    [{ status: "abc" }, "status: must be an HTTP status, a number from 100 to 599"],
    [{ status: 42 }, "status: must be an HTTP status, a number from 100 to 599"],
    [{ status: 401.5 }, "status: must be an HTTP status, a number from 100 to 599"],
    [{ probe: "nope" }, "probe: must name a probe: token, exchange-token, sharepoint-token or a catalog key such as mail, exchange, ews"],
    [{ stauts: 401 }, 'unknown field "stauts"'],
    [{ context: { clientId: "not-a-guid" } }, "context.clientId: must be the app's client ID (a GUID)"],
    [{ context: { mailboxx: "a" } }, 'context: unknown field "mailboxx"'],
    [{ headers: { a: 1 } }, "headers.a: Invalid input: expected string, received number"],
  ])("names the problem in %j", (raw, message) => {
    expect(problemOf(raw)).toBe(message);
  });
});
