import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

import { loadScenarioFile, parseScenario, ScenarioError } from "../../../emulator/src/scenario";

const DEFAULT = path.resolve("emulator/scenarios/default.json");
const raw = () => JSON.parse(readFileSync(DEFAULT, "utf8"));

function problems(mutate: (s: any) => void): string[] {
  const scenario = raw();
  mutate(scenario);
  try {
    parseScenario(scenario);
  } catch (error) {
    expect(error).toBeInstanceOf(ScenarioError);
    return (error as ScenarioError).problems;
  }
  throw new Error("expected the scenario to be rejected");
}

describe("scenario files", () => {
  it("accepts the demo scenario, which holds every tenant kind the demo needs", () => {
    const scenario = loadScenarioFile(DEFAULT);
    const names = scenario.tenants.map((t) => t.displayName).join(" | ");
    expect(names).toMatch(/cloud only/);
    expect(names).toMatch(/hybrid/);
    expect(names).toMatch(/no admin/);
    expect(names).toMatch(/older permission set/);
    expect(names).toMatch(/slow replication/);
    expect(names).toMatch(/half fixed/);
    expect(names).toMatch(/inactive mailbox/);
    expect(names).toMatch(/mail access policy/);
    expect(scenario.tenants.find((t) => t.id === scenario.apps[0]!.homeTenantId)?.users.length).toBeGreaterThanOrEqual(2);
    expect(JSON.stringify(scenario.apps[0]!.secrets)).not.toMatch(/"value"/);
  });

  it.each([
    ["a client ID that is not a GUID", (s: any) => (s.apps[0].clientId = "my-app"), "apps[0].clientId: must be a GUID"],
    ["an unknown permission", (s: any) => s.apps[0].requiredResourceAccess[0].roles.push("Mail.Sned"), "apps[0].requiredResourceAccess[0].roles[7]: is not a known graph permission"],
    ["a consent for an app that does not exist", (s: any) => (s.tenants[2].consents[0].clientId = "00000000-0000-4000-8000-000000000000"), "tenants[2].consents[0].clientId: names no app in apps[]"],
    ["a domain owned by two tenants", (s: any) => s.tenants[1].domains.push({ name: "northwind.example" }), "tenants[2].domains: domain northwind.example already belongs to tenant"],
    ["an initial domain that is not onmicrosoft.com", (s: any) => (s.tenants[1].initialDomain = "fabrikam.example"), "tenants[1].initialDomain: must end with .onmicrosoft.com"],
    ["a negative replication delay", (s: any) => (s.tenants[5].replication.servicePrincipalSeconds = -1), "tenants[5].replication.servicePrincipalSeconds"],
    ["a mailbox kind that does not exist", (s: any) => (s.tenants[2].users[1].mailbox = "exchange2010"), "tenants[2].users[1].mailbox"],
    ["a latency fault without milliseconds", (s: any) => s.faults.push({ endpoint: "graph", kind: "latency" }), "faults[1].latencyMs: is required for a latency fault"],
    ["a fault rate above 1", (s: any) => s.faults.push({ endpoint: "graph", kind: "reset", rate: 2 }), "faults[1].rate"],
    ["a tenant listed twice", (s: any) => s.tenants.push({ ...s.tenants[1], domains: [], initialDomain: "other.onmicrosoft.com" }), "tenants[9].id: is listed twice"],
    ["an app whose home tenant is missing", (s: any) => (s.apps[0].homeTenantId = "00000000-0000-4000-8000-000000000000"), "apps[0].homeTenantId: names no tenant in tenants[]"],
  ])("rejects %s and names the path", (_name, mutate, expected) => {
    const found = problems(mutate);
    expect(found.join("\n")).toContain(expected);
  });

  it("reports a file that is not JSON", () => {
    expect(() => loadScenarioFile(path.resolve("package-lock.json.nope"))).toThrow(/cannot be read \(ENOENT\)/);
    expect(() => loadScenarioFile(path.resolve("README.md"))).toThrow(/is not valid JSON/);
  });
});
