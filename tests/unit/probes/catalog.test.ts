import { describe, expect, it } from "vitest";

import { PERMISSIONS } from "@/lib/permissions/catalog";
import { PROBES, probesFor, type GraphProbe } from "@/lib/probes/catalog";

const ctx = { clientId: "5e0c1d2a-7b3f-4c59-9a8e-0d6f2b4c8a17", mailbox: "adele@contoso.com", initialDomain: "contoso.onmicrosoft.com" };
const graph = (key: string) => PROBES.find((p) => p.key === key) as GraphProbe;

describe("the probe catalog", () => {
  it("has one probe per permission, each for a permission the consent page can describe", () => {
    const permissions = PROBES.map((p) => p.permission);
    expect(new Set(permissions).size).toBe(permissions.length);
    for (const p of permissions) expect(PERMISSIONS.some((k) => k.name === p), p).toBe(true);
    expect(permissions).toEqual(["Organization.Read.All", "Domain.Read.All", "User.Read.All", "Application.Read.All", "Mail.Read", "Calendars.Read", "Contacts.Read", "Exchange.ManageAsApp"]);
  });

  it("selects the probes of the configured permissions only", () => {
    expect(probesFor(["Mail.Read", "Organization.Read.All"]).map((p) => p.key)).toEqual(["organization", "mail"]);
  });

  it.each([
    ["organization", "/organization?$select=id,displayName,verifiedDomains"],
    ["domains", "/domains?$select=id,isInitial,isDefault,isVerified"],
    ["users", "/users?$top=25&$select=id,userPrincipalName,mail,assignedLicenses"],
    ["application", "/servicePrincipals(appId='5e0c1d2a-7b3f-4c59-9a8e-0d6f2b4c8a17')/appRoleAssignments"],
    ["mail", "/users/adele%40contoso.com/messages?$top=1&$select=id"],
    ["calendars", "/users/adele%40contoso.com/events?$top=1&$select=id"],
    ["contacts", "/users/adele%40contoso.com/contacts?$top=1&$select=id"],
  ])("builds the %s request", (key, path) => {
    expect(graph(key).path(ctx)).toBe(path);
  });

  it("reads the organization's name and initial and default domains", () => {
    const read = graph("organization").read({ value: [{ displayName: "Contoso", verifiedDomains: [{ name: "Contoso.onmicrosoft.com", isInitial: true }, { name: "contoso.com", isDefault: true }] }] });
    expect(read?.learned).toEqual({ displayName: "Contoso", initialDomain: "contoso.onmicrosoft.com", defaultDomain: "contoso.com" });
  });

  it("maps appRoleAssignments to permission names, keeping unknown role IDs visible", () => {
    const read = graph("application").read({ value: [{ appRoleId: "810c84a8-4a9e-49e6-bf7d-12d183f40d01" }, { appRoleId: "11111111-2222-4333-8444-555555555555" }] });
    expect(read?.learned?.grantedRoles).toEqual(["Mail.Read", "appRole:11111111-2222-4333-8444-555555555555"]);
  });

  it("picks the first licensed user with a mailbox as test mailbox", () => {
    const read = graph("users").read({
      value: [
        { id: "1", userPrincipalName: "nomail@contoso.com", mail: null, assignedLicenses: [{}] },
        { id: "2", userPrincipalName: "unlicensed@contoso.com", mail: "u@contoso.com", assignedLicenses: [] },
        { id: "3", userPrincipalName: "adele@contoso.com", mail: "adele@contoso.com", assignedLicenses: [{ skuId: "x" }] },
      ],
    });
    expect(read?.learned?.mailboxCandidate).toBe("adele@contoso.com");
  });

  it("fails a 200 whose body is not what the probe expects", () => {
    for (const key of ["organization", "domains", "users", "application", "mail"]) expect(graph(key).read({ unexpected: true }), key).toBeNull();
  });
});
