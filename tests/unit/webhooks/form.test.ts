import { describe, expect, it } from "vitest";

import { webhookFormSchema, webhookInputSchema } from "@/lib/webhooks/manage";

const fieldsOf = (result: { success: boolean; error?: { issues: { path: PropertyKey[] }[] } }) => [...new Set((result.error?.issues ?? []).map((i) => String(i.path[0])))].sort();

describe("the webhook form and API body", () => {
  it("accepts an https URL, events and a format", () => {
    expect(webhookFormSchema.parse({ url: " https://psa.example.com/hook ", description: "", events: ["tenant.regressed"], format: "teams" })).toEqual({ url: "https://psa.example.com/hook", description: "", events: ["tenant.regressed"], format: "teams" });
    expect(webhookInputSchema.parse({ url: "http://127.0.0.1:8080/x", events: ["bulk_run.finished"] })).toMatchObject({ format: "standard", description: "" });
  });

  it.each([
    [{ url: "", description: "", events: [], format: "standard" }, ["events", "url"]],
    [{ url: "ftp://files.example/x", description: "", events: ["tenant.regressed"], format: "standard" }, ["url"]],
    [{ url: "javascript:alert(1)", description: "", events: ["tenant.regressed"], format: "standard" }, ["url"]],
    [{ url: "https://user:pass@psa.example/x", description: "", events: ["tenant.regressed"], format: "standard" }, ["url"]],
    [{ url: "https://psa.example/x", description: "x".repeat(201), events: ["tenant.bogus"], format: "email" }, ["description", "events", "format"]],
  ])("names each bad field of %j", (values, fields) => {
    expect(fieldsOf(webhookFormSchema.safeParse(values))).toEqual(fields);
  });

  it("refuses unknown API fields", () => {
    const result = webhookInputSchema.safeParse({ url: "https://psa.example/x", events: ["tenant.regressed"], secret: "mine" });
    expect(result.error?.issues).toEqual([expect.objectContaining({ code: "unrecognized_keys", keys: ["secret"] })]);
  });
});
