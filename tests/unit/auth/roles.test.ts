import { describe, expect, it } from "vitest";

import { APP_ROLE_VALUES, can, hasRole, MINIMUM_ROLE, partnerRoleFromClaims, PARTNER_ROLES, type Capability, type PartnerRole } from "@/lib/auth/roles";

// Who may do what: one row per capability, one column per role. The server guards and the
// hidden buttons both read MINIMUM_ROLE, so this table is the contract for both.
const EXPECTED: Record<Capability, Record<PartnerRole, boolean>> = {
  viewDashboard: { reader: true, operator: true, admin: true },
  viewAuditLog: { reader: true, operator: true, admin: true },
  viewBulkProgress: { reader: true, operator: true, admin: true },
  explainError: { reader: true, operator: true, admin: true },
  runProbes: { reader: false, operator: true, admin: true },
  setTestMailbox: { reader: false, operator: true, admin: true },
  makeReconsentLink: { reader: false, operator: true, admin: true },
  startBulkRun: { reader: false, operator: true, admin: true },
  importTenant: { reader: false, operator: true, admin: true },
  manageInvites: { reader: false, operator: true, admin: true },
  manageWebhooks: { reader: false, operator: false, admin: true },
  viewSettings: { reader: false, operator: false, admin: true },
  signEveryoneOut: { reader: false, operator: false, admin: true },
  manageApiKeys: { reader: false, operator: false, admin: true },
  offboardTenant: { reader: false, operator: false, admin: true },
  manageSchedule: { reader: false, operator: false, admin: true },
};

describe("role → capability", () => {
  it("lists every capability in the expected table", () => {
    expect(Object.keys(EXPECTED).sort()).toEqual(Object.keys(MINIMUM_ROLE).sort());
  });

  const cases = (Object.keys(EXPECTED) as Capability[]).flatMap((capability) => PARTNER_ROLES.map((role) => [role, capability, EXPECTED[capability][role]] as const));
  it.each(cases)("%s may %s: %s", (role, capability, allowed) => {
    expect(can(role, capability)).toBe(allowed);
  });
});

describe("hasRole", () => {
  it.each([
    ["reader", "reader", true],
    ["reader", "operator", false],
    ["reader", "admin", false],
    ["operator", "reader", true],
    ["operator", "operator", true],
    ["operator", "admin", false],
    ["admin", "reader", true],
    ["admin", "operator", true],
    ["admin", "admin", true],
  ] as const)("%s reaches %s: %s", (role, minimum, expected) => {
    expect(hasRole(role, minimum)).toBe(expected);
  });
});

describe("partnerRoleFromClaims", () => {
  it.each([
    [["Consentry.Reader"], "reader"],
    [["Consentry.Operator"], "operator"],
    [["Consentry.Admin"], "admin"],
    [["Consentry.Reader", "Consentry.Admin"], "admin"],
    [["Consentry.Operator", "Consentry.Reader"], "operator"],
    [["Consentry.Admin", "Consentry.Operator", "Consentry.Reader"], "admin"],
    [["Other.Role", "Consentry.Reader"], "reader"],
  ] as const)("gives %j the highest role, %s", (claims, role) => {
    expect(partnerRoleFromClaims(claims)).toBe(role);
  });

  it.each([[[]], [["Other.Role"]], [["consentry.admin"]], [["Consentry.Admin "]], [["Admin"]], [["Consentry.Owner"]]])("gives %j no role (values are compared exactly)", (claims) => {
    expect(partnerRoleFromClaims(claims)).toBeNull();
  });

  it("uses the app role values documented for the app registration", () => {
    expect(APP_ROLE_VALUES).toEqual({ reader: "Consentry.Reader", operator: "Consentry.Operator", admin: "Consentry.Admin" });
  });
});
