import { describe, expect, it } from "vitest";

import { parseScenario } from "../../../emulator/src/scenario";
import { accountOf, EmulatorState } from "../../../emulator/src/state";

const APP = "5e0c1d2a-7b3f-4c59-9a8e-0d6f2b4c8a17";
const TENANT = "2f6b8c1d-4e3a-4f5b-9c7d-1a2b3c4d5e01";

const HOME = "3a7c9d2e-5f4b-4a6c-8d8e-2b3c4d5e6f02";
const MEMBER = "c3000000-0000-4000-8000-000000000001";
const TECHNICIAN = "c3000000-0000-4000-8000-000000000002";
const GUEST = "c3e00000-0000-4000-8000-000000000002";

function state(now: () => number, faults: unknown[] = []) {
  const scenario = parseScenario({
    apps: [{ clientId: APP, displayName: "App", publisherName: "P", homeTenantId: TENANT, requiredResourceAccess: [{ resource: "graph", roles: ["User.Read.All"] }] }],
    tenants: [
      {
        id: TENANT,
        displayName: "T",
        initialDomain: "t.onmicrosoft.com",
        domains: [{ name: "t.example" }],
        replication: { servicePrincipalSeconds: 10, rolesSeconds: 5 },
        users: [{ id: MEMBER, userPrincipalName: "m@t.example", displayName: "Member" }],
        guests: [{ id: GUEST, user: TECHNICIAN, directoryRoles: ["Privileged Role Administrator"] }],
      },
      { id: HOME, displayName: "Home", initialDomain: "home.onmicrosoft.com", users: [{ id: TECHNICIAN, userPrincipalName: "tech@home.example", displayName: "Technician" }] },
    ],
    faults,
  });
  return new EmulatorState(scenario, [{ scenario: scenario.apps[0]!, secrets: [], certificates: [] }], now);
}

describe("emulator state", () => {
  it("resolves tenants by GUID and by any domain, case-insensitively", () => {
    const s = state(Date.now);
    expect(s.resolveTenant(TENANT.toUpperCase())?.id).toBe(TENANT);
    expect(s.resolveTenant("T.Example")?.id).toBe(TENANT);
    expect(s.resolveTenant("t.onmicrosoft.com")?.id).toBe(TENANT);
    expect(s.resolveTenant("other.example")).toBeNull();
  });

  it("moves a fresh consent through missing, no-roles and ready", () => {
    let now = 1_000_000;
    const s = state(() => now);
    const tenant = s.resolveTenant(TENANT)!;
    const sp = s.createServicePrincipal(TENANT, APP, { graph: ["User.Read.All"], exchange: [], sharepoint: [] }, [], now);
    expect(s.replicationPhase(tenant, sp)).toBe("missing");
    now += 10_000;
    expect(s.replicationPhase(tenant, sp)).toBe("no-roles");
    now += 5_000;
    expect(s.replicationPhase(tenant, sp)).toBe("ready");
  });

  it("adds to an existing consent instead of replacing it", () => {
    const s = state(Date.now);
    s.createServicePrincipal(TENANT, APP, { graph: ["User.Read.All"], exchange: [], sharepoint: [] }, [], 0);
    const sp = s.createServicePrincipal(TENANT, APP, { graph: ["Mail.Read"], exchange: ["Exchange.ManageAsApp"], sharepoint: [] }, ["Exchange Administrator"], 0);
    expect(sp.grants).toEqual({ graph: ["Mail.Read", "User.Read.All"], exchange: ["Exchange.ManageAsApp"], sharepoint: [] });
    expect(sp.directoryRoles).toEqual(["Exchange Administrator"]);
  });

  it("lists a tenant's guests after its users, with the guest object's id and roles and the home user's name", () => {
    const s = state(Date.now);
    const principals = s.principals(s.resolveTenant(TENANT));
    expect(principals.map((p) => [p.user.id, p.user.userPrincipalName, p.user.directoryRoles, p.home?.tenant.id])).toEqual([
      [MEMBER, "m@t.example", [], undefined],
      [GUEST, "tech@home.example", ["Privileged Role Administrator"], HOME],
    ]);
    expect(accountOf(principals[1]!)).toBe(TECHNICIAN);
    expect(s.findPrincipal(TENANT, GUEST)?.home?.user.id).toBe(TECHNICIAN);
    expect(s.findPrincipal(HOME, GUEST)).toBeNull();
    // organizations / common: everyone signs in at home, never as a guest.
    expect(s.principals(null).map((p) => p.user.id)).toEqual([MEMBER, TECHNICIAN]);
  });

  it("keeps sign-in sessions by an id it issued, most recent account first", () => {
    const s = state(Date.now);
    expect(s.signedInAccounts(undefined)).toEqual([]);
    const id = s.rememberSignIn("chosen-by-the-browser", MEMBER);
    expect(id).not.toBe("chosen-by-the-browser");
    expect(s.signedInAccounts("chosen-by-the-browser")).toEqual([]);
    expect(s.rememberSignIn(id, TECHNICIAN)).toBe(id);
    expect(s.rememberSignIn(id, MEMBER)).toBe(id);
    expect(s.signedInAccounts(id)).toEqual([MEMBER, TECHNICIAN]);
  });

  it("fires faults by endpoint, tenant, rate and count", () => {
    const s = state(Date.now, [
      { endpoint: "graph", kind: "error", status: 503, tenant: "t.example", times: 2 },
      { endpoint: "token", kind: "throttle", retryAfterSeconds: 0.25, rate: 0.5 },
    ]);
    expect(s.drawFaults("graph", "someone-else")).toEqual([]);
    expect(s.drawFaults("graph", TENANT)).toHaveLength(1);
    expect(s.drawFaults("graph", TENANT)).toHaveLength(1);
    expect(s.drawFaults("graph", TENANT)).toHaveLength(0);
    expect(s.drawFaults("token", null, () => 0.49)).toHaveLength(1);
    expect(s.drawFaults("token", null, () => 0.5)).toHaveLength(0);
  });
});
