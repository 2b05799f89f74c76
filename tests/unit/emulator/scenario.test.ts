import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

import { loadScenarioFile, parseScenario, ScenarioError } from "../../../emulator/src/scenario";

const DEFAULT = path.resolve("emulator/scenarios/default.json");
const APP = "5e0c1d2a-7b3f-4c59-9a8e-0d6f2b4c8a17";
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

  it("gives the partner tenant a user for every app role and one without, and a technician who is a customer's guest admin", () => {
    const scenario = loadScenarioFile(DEFAULT);
    const app = scenario.apps[0]!;
    const partner = scenario.tenants.find((t) => t.id === app.homeTenantId)!;
    const roleOf = (name: string) => partner.users.find((u) => u.displayName.startsWith(name))?.appRoles[app.clientId];
    expect(app.appRoles.map((r) => r.value)).toEqual(["Consentry.Admin", "Consentry.Operator", "Consentry.Reader"]);
    expect(roleOf("Alice")).toEqual(["Consentry.Admin"]);
    expect(roleOf("Bob")).toEqual(["Consentry.Operator"]);
    expect(roleOf("Rita")).toEqual(["Consentry.Reader"]);
    expect(partner.users.some((u) => u.displayName.startsWith("Nora"))).toBe(true);
    expect(roleOf("Nora")).toBeUndefined();
    const guests = scenario.tenants.flatMap((t) => t.guests.map((g) => ({ tenant: t.displayName, ...g })));
    expect(guests).toEqual([expect.objectContaining({ tenant: "Fabrikam (cloud only)", user: partner.users.find((u) => u.displayName.startsWith("Tess"))!.id, directoryRoles: ["Privileged Role Administrator"] })]);
    expect(app.redirectUris).toEqual(expect.arrayContaining(["http://localhost:3000/consent/signin/callback", "http://127.0.0.1:3000/consent/signin/callback"]));
  });

  it.each([
    ["a client ID that is not a GUID", (s: any) => (s.apps[0].clientId = "my-app"), "apps[0].clientId: must be a GUID"],
    ["an unknown permission", (s: any) => s.apps[0].requiredResourceAccess[0].roles.push("Mail.Sned"), "apps[0].requiredResourceAccess[0].roles[12]: is not a known graph permission"],
    ["a consent for an app that does not exist", (s: any) => (s.tenants[2].consents[0].clientId = "00000000-0000-4000-8000-000000000000"), "tenants[2].consents[0].clientId: names no app in apps[]"],
    ["a domain owned by two tenants", (s: any) => s.tenants[1].domains.push({ name: "northwind.example" }), "tenants[2].domains: domain northwind.example already belongs to tenant"],
    ["an initial domain that is not onmicrosoft.com", (s: any) => (s.tenants[1].initialDomain = "fabrikam.example"), "tenants[1].initialDomain: must end with .onmicrosoft.com"],
    ["a negative replication delay", (s: any) => (s.tenants[5].replication.servicePrincipalSeconds = -1), "tenants[5].replication.servicePrincipalSeconds"],
    ["a mailbox kind that does not exist", (s: any) => (s.tenants[2].users[1].mailbox = "exchange2010"), "tenants[2].users[1].mailbox"],
    ["a latency fault without milliseconds", (s: any) => s.faults.push({ endpoint: "graph", kind: "latency" }), "faults[1].latencyMs: is required for a latency fault"],
    ["a fault rate above 1", (s: any) => s.faults.push({ endpoint: "graph", kind: "reset", rate: 2 }), "faults[1].rate"],
    ["a tenant listed twice", (s: any) => s.tenants.push({ ...s.tenants[1], domains: [], initialDomain: "other.onmicrosoft.com" }), `tenants[${raw().tenants.length}].id: is listed twice`],
    ["a hybrid REST era that does not exist", (s: any) => (s.tenants[2].hybrid.restApi = "2016"), "tenants[2].hybrid.restApi"],
    ["EWS allowed app IDs that are not GUIDs", (s: any) => (s.tenants[2].exchange = { ewsEnabled: true, ewsAllowedAppIds: ["my-app"] }), "tenants[2].exchange.ewsAllowedAppIds[0]: must be a GUID"],
    ["an RBAC assignment with an unknown permission", (s: any) => (s.tenants[2].exchange = { applicationRbac: [{ clientId: APP, permission: "Mail.Sned", mailboxes: [] }] }), "tenants[2].exchange.applicationRbac[0].permission"],
    ["an RBAC assignment for an app that does not exist", (s: any) => (s.tenants[2].exchange = { applicationRbac: [{ clientId: "00000000-0000-4000-8000-000000000000", permission: "Mail.Read", mailboxes: [] }] }), "tenants[2].exchange.applicationRbac[0].clientId: names no app in apps[]"],
    ["an RBAC scope naming a mailbox of no user", (s: any) => (s.tenants[2].exchange = { applicationRbac: [{ clientId: APP, permission: "Mail.Read", mailboxes: ["ghost@northwind.example"] }] }), "tenants[2].exchange.applicationRbac[0].mailboxes[0]: names no user of this tenant"],
    ["a consent flag that is not a boolean", (s: any) => (s.tenants[2].consents[0].disabled = "yes"), "tenants[2].consents[0].disabled"],
    ["an app whose home tenant is missing", (s: any) => (s.apps[0].homeTenantId = "00000000-0000-4000-8000-000000000000"), "apps[0].homeTenantId: names no tenant in tenants[]"],
    ["an app role the app does not declare", (s: any) => (s.tenants[0].users[0].appRoles[APP] = ["Consentry.Owner"]), `tenants[0].users[0].appRoles.${APP}[0]: "Consentry.Owner" is not an app role of Consentry Demo App; declared: Consentry.Admin, Consentry.Operator, Consentry.Reader`],
    ["appRoles given as a list instead of a map", (s: any) => (s.tenants[0].users[0].appRoles = ["Consentry.Admin"]), `tenants[0].users[0].appRoles: must map an app's client ID to its app role values`],
    ["app roles for an app that does not exist", (s: any) => (s.tenants[0].users[0].appRoles = { "00000000-0000-4000-8000-000000000000": ["Consentry.Admin"] }), "tenants[0].users[0].appRoles.00000000-0000-4000-8000-000000000000: names no app in apps[]"],
    ["an app role declared twice", (s: any) => s.apps[0].appRoles.push({ ...s.apps[0].appRoles[0] }), "apps[0].appRoles[3].value: is declared twice"],
    ["a guest whose home user does not exist", (s: any) => (s.tenants[1].guests[0].user = "00000000-0000-4000-8000-000000000000"), "tenants[1].guests[0].user: names no user of another tenant"],
    ["a guest of the user's own tenant", (s: any) => (s.tenants[1].guests[0].user = "b2000000-0000-4000-8000-000000000001"), "tenants[1].guests[0].user: is a member of this tenant, not a guest"],
    ["a guest object reusing a user's id", (s: any) => (s.tenants[1].guests[0].id = "a1000000-0000-4000-8000-000000000005"), "tenants[1].guests[0].id: is already the id of user tess@contoso-partners.example"],
  ])("rejects %s and names the path", (_name, mutate, expected) => {
    const found = problems(mutate);
    expect(found.join("\n")).toContain(expected);
  });

  it("defaults to today's Exchange Online: hybrid REST retired, EWS switched off, an Exchange Online subscription", () => {
    const scenario = parseScenario({ apps: [{ clientId: APP, displayName: "A", publisherName: "P", homeTenantId: "11111111-1111-4111-8111-111111111111" }], tenants: [{ id: "11111111-1111-4111-8111-111111111111", displayName: "T", initialDomain: "t.onmicrosoft.com", consents: [{ clientId: APP }] }] });
    const tenant = scenario.tenants[0]!;
    expect(tenant.hybrid.restApi).toBe("retired");
    expect(tenant.exchange).toEqual({ online: true, ewsEnabled: false, ewsAllowedAppIds: null, applicationRbac: [] });
    expect(tenant.consents[0]).toMatchObject({ disabled: false, conditionalAccessBlocked: false });
  });

  it("accepts a soft-deleted mailbox, the pre-2023 hybrid era and RBAC for Applications assignments", () => {
    const scenario = raw();
    scenario.tenants[2].users[0].mailbox = "softDeleted";
    scenario.tenants[2].hybrid.restApi = "pre-2023";
    scenario.tenants[2].exchange = { ewsEnabled: null, applicationRbac: [{ clientId: APP, permission: "Calendars.Read", mailboxes: ["Joni@Northwind.example"] }] };
    const tenant = parseScenario(scenario).tenants[2]!;
    expect(tenant.users[0]!.mailbox).toBe("softDeleted");
    expect(tenant.hybrid).toMatchObject({ restApi: "pre-2023" });
    expect(tenant.exchange.ewsEnabled).toBeNull();
    expect(tenant.exchange.applicationRbac[0]!.mailboxes).toEqual(["joni@northwind.example"]);
  });

  it("gives the demo a tenant for each diagnosis, keeps Northwind on today's hybrid and Adatum in the pre-2023 era", () => {
    const scenario = loadScenarioFile(DEFAULT);
    const byName = (part: string) => scenario.tenants.find((t) => t.displayName.includes(part))!;
    expect(byName("Northwind").hybrid.restApi).toBe("retired");
    expect(byName("Adatum").hybrid.restApi).toBe("pre-2023");
    expect(byName("everything passes").exchange).toMatchObject({ ewsEnabled: true, ewsAllowedAppIds: [APP] });
    expect(byName("everything passes").consents[0]!.directoryRoles).toContain("Exchange Administrator");
    expect(byName("not allow-listed").exchange.ewsEnabled).toBe(true);
    expect(byName("not allow-listed").exchange.ewsAllowedAppIds).not.toContain(APP);
    expect(byName("RBAC for Applications").exchange.applicationRbac.length).toBeGreaterThan(0);
    expect(byName("app disabled").consents[0]!.disabled).toBe(true);
    expect(byName("Conditional Access").consents[0]!.conditionalAccessBlocked).toBe(true);
    expect(byName("no Exchange Online").exchange.online).toBe(false);
    expect(byName("soft-deleted").users[0]!.mailbox).toBe("softDeleted");
    // Tenants that passed EWS before keep passing: the demo app is allow-listed.
    for (const name of ["Fabrikam", "Northwind", "Woodgrove", "Proseware", "Trey Research"]) expect(byName(name).exchange.ewsAllowedAppIds).toContain(APP);
  });

  it("reports a file that is not JSON", () => {
    expect(() => loadScenarioFile(path.resolve("package-lock.json.nope"))).toThrow(/cannot be read \(ENOENT\)/);
    expect(() => loadScenarioFile(path.resolve("README.md"))).toThrow(/is not valid JSON/);
  });
});
