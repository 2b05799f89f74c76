import { describe, expect, it } from "vitest";

import type { PermissionSet } from "@/lib/db/repositories/permission-sets";
import { formatPermission, type PermissionEntry, type ResourceKey } from "@/lib/permissions/catalog";
import { addedPermissions, needsReconsent, sortPermissions } from "@/lib/permissions/permission-set";

const entry = (resource: ResourceKey, value: string): PermissionEntry => ({ resource, value, appRoleId: null, displayName: null, description: null });
const set = (version: number, permissions: PermissionEntry[]): PermissionSet => ({ version, label: `Version ${version}`, source: "registration", permissions, createdAt: "" });

const v1 = set(1, [entry("graph", "Mail.Read"), entry("exchange", "Exchange.ManageAsApp")]);
const v2 = set(2, [...v1.permissions, entry("sharepoint", "Sites.Read.All")]);
const v3 = set(3, [entry("graph", "Mail.Read")]);
const sets = new Map([v1, v2, v3].map((s) => [s.version, s]));

describe("needs re-consent", () => {
  it.each([
    ["consented to the current version", 2, v2, false],
    ["consented to an older version the current one adds to", 1, v2, true],
    ["consented to an older version the current one only removes from", 2, v3, false],
    ["consented before Consentry (version unknown)", null, v2, false],
  ])("%s", (_name, consented, current, expected) => {
    expect(needsReconsent(consented, sets, current)).toBe(expected);
  });

  it("names what the new version adds, by resource", () => {
    expect(addedPermissions(v1, v2).map(formatPermission)).toEqual(["SharePoint/Sites.Read.All"]);
  });

  it("orders a set by resource, then value, and drops duplicates", () => {
    expect(sortPermissions([entry("sharepoint", "A"), entry("graph", "Z"), entry("exchange", "M"), entry("graph", "B"), entry("graph", "Z")]).map(formatPermission)).toEqual([
      "Graph/B",
      "Graph/Z",
      "Exchange/M",
      "SharePoint/A",
    ]);
  });
});
