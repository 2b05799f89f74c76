import { describe, expect, it } from "vitest";

import { runScript } from "../../support/run-script";

// `npm run -s explain` as scripts and support use it: no settings, no database, no network.
const explain = (input: string, args = ["--json"]) => runScript("scripts/explain.ts", {}, { args, input });

describe("npm run explain", () => {
  it("prints the secret finding for the token endpoint's AADSTS7000215 answer", async () => {
    const input = '{"status":401,"body":{"error":"invalid_client","error_description":"AADSTS7000215: Invalid client secret provided.","error_codes":[7000215]},"probe":"token"}';
    const { code, stdout, stderr } = await explain(input);
    expect({ code, stderr }).toEqual({ code: 0, stderr: "" });
    const lines = stdout.trim().split("\n");
    expect(lines).toHaveLength(1);
    const finding = JSON.parse(lines[0]!);
    expect(finding).toMatchObject({ id: "secret_invalid", actor: "partner", known: true });
    expect(finding.evidence).toContain("HTTP status: 401");
    expect(finding.docs).toContain("https://learn.microsoft.com/entra/identity-platform/reference-error-codes");
  });

  it("says known: false for an invented AADSTS code, never an outage", async () => {
    const input = '{"status":401,"body":{"error":"invalid_client","error_description":"AADSTS999999: Invented.","error_codes":[999999]},"probe":"token"}';
    const { code, stdout } = await explain(input);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ id: "unknown", known: false });
  });

  it.each([
    ["not JSON", "{status:401}", /^explain: standard input is not JSON \(/],
    ["an array", "[]", /^explain: standard input must be one JSON object, not an array$/],
    ["nothing", "", /^explain: standard input is empty/],
    ["a misspelt field", '{"stauts":401}', /^explain: unknown field "stauts"$/],
    ["a status that is no status", '{"status":"4o1"}', /^explain: status: must be an HTTP status, a number from 100 to 599$/],
  ])("refuses %s with one line and exit 2", async (_name, input, message) => {
    const { code, stdout, stderr } = await explain(input);
    expect(code).toBe(2);
    expect(stdout).toBe("");
    expect(stderr.trim().split("\n")).toHaveLength(1);
    expect(stderr.trim()).toMatch(message);
  });

  it("documents itself with --help, and reads text without --json", async () => {
    const help = await explain("", ["--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('{"id","title","actor","fix","evidence":[...],"known","docs"?:[...]}');
    const text = await explain('{"text":"AADSTS7000112: Application \'x\'(y) is disabled."}', []);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^The app is disabled in this tenant \(app_disabled\)/);
  });
});
