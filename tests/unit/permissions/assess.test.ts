import { describe, expect, it } from "vitest";

import { assessPermissions, resolveGrantedRoles } from "@/lib/permissions/assess";
import { formatPermission, parsePermissionName, type PermissionEntry, type ResourceKey } from "@/lib/permissions/catalog";
import { buildTruthTable } from "@/lib/probes/truth-table";

const entry = (resource: ResourceKey, value: string, appRoleId: string | null = null): PermissionEntry => ({ resource, value, appRoleId, displayName: null, description: null });
const ref = (resource: ResourceKey, value: string) => ({ resource, value });

const DEMO = [entry("graph", "Organization.Read.All"), entry("graph", "Mail.Read"), entry("exchange", "Exchange.ManageAsApp"), entry("sharepoint", "Sites.Read.All")];

describe("assessPermissions: granted / in the token / missing per resource", () => {
  it.each([
    {
      name: "Fabrikam: Exchange.ManageAsApp granted and in the Exchange token is granted, not missing (the directory role is another matter)",
      granted: [ref("graph", "Organization.Read.All"), ref("graph", "Mail.Read"), ref("exchange", "Exchange.ManageAsApp"), ref("sharepoint", "Sites.Read.All")],
      tokens: { graph: ["Organization.Read.All", "Mail.Read"], exchange: ["Exchange.ManageAsApp"], sharepoint: ["Sites.Read.All"] },
      notGranted: [],
      states: { "exchange/Exchange.ManageAsApp": "granted" },
    },
    {
      name: "the Graph token alone never makes an Exchange permission missing",
      granted: null,
      tokens: { graph: ["Organization.Read.All", "Mail.Read"] },
      notGranted: [],
      states: { "exchange/Exchange.ManageAsApp": "unknown", "sharepoint/Sites.Read.All": "unknown", "graph/Mail.Read": "granted" },
    },
    {
      name: "re-consent: a permission added to the registration after the consent is really not granted",
      granted: [ref("graph", "Organization.Read.All"), ref("exchange", "Exchange.ManageAsApp"), ref("sharepoint", "Sites.Read.All")],
      tokens: { graph: ["Organization.Read.All"], exchange: ["Exchange.ManageAsApp"], sharepoint: ["Sites.Read.All"] },
      notGranted: ["Graph/Mail.Read"],
      states: { "graph/Mail.Read": "not-granted" },
    },
    {
      name: "granted but not yet in the token is replication, not a re-consent",
      granted: DEMO.map((p) => ref(p.resource, p.value)),
      tokens: { graph: ["Organization.Read.All"], exchange: ["Exchange.ManageAsApp"], sharepoint: [] },
      notGranted: [],
      states: { "graph/Mail.Read": "not-in-token", "sharepoint/Sites.Read.All": "not-in-token" },
    },
    {
      name: "the same value in two resources is two permissions (Graph's and SharePoint's Sites.FullControl.All)",
      configured: [entry("graph", "Sites.FullControl.All"), entry("sharepoint", "Sites.FullControl.All")],
      granted: [ref("graph", "Sites.FullControl.All")],
      tokens: { graph: ["Sites.FullControl.All"], sharepoint: [] },
      notGranted: ["SharePoint/Sites.FullControl.All"],
      states: { "graph/Sites.FullControl.All": "granted", "sharepoint/Sites.FullControl.All": "not-granted" },
    },
  ])("$name", ({ configured, granted, tokens, notGranted, states }) => {
    const result = assessPermissions({ configured: configured ?? DEMO, granted, tokenRoles: tokens });
    expect(result.notGranted.map(formatPermission)).toEqual(notGranted);
    expect(result.reconsentNeeded).toBe(notGranted.length > 0);
    const byKey = Object.fromEntries(result.rows.map((r) => [`${r.resource}/${r.value}`, r.state]));
    expect(byKey).toMatchObject(states);
  });

  it("lists a granted permission the app no longer asks for as extra", () => {
    const result = assessPermissions({ configured: [entry("graph", "Mail.Read")], granted: [ref("graph", "Mail.Read"), ref("graph", "Directory.Read.All")], tokenRoles: { graph: ["Mail.Read", "Directory.Read.All"] } });
    expect(result.rows.map((r) => [formatPermission(r), r.state])).toEqual([
      ["Graph/Mail.Read", "granted"],
      ["Graph/Directory.Read.All", "extra"],
    ]);
  });
});

describe("resolveGrantedRoles", () => {
  it("places values by the configured set, app role IDs by their ID, and unknown values under Graph", () => {
    const configured = [entry("exchange", "full_access_as_app", "dc890d15-9560-4a4c-9b7f-a736ec74ec40"), entry("sharepoint", "Sites.Read.All", "aaaaaaaa-0000-4000-8000-000000000001")];
    expect(resolveGrantedRoles(["full_access_as_app", "appRole:AAAAAAAA-0000-4000-8000-000000000001", "Group.Read.All", "appRole:ffffffff-0000-4000-8000-000000000000"], configured)).toEqual({
      refs: [ref("exchange", "full_access_as_app"), ref("sharepoint", "Sites.Read.All"), ref("graph", "Group.Read.All")],
      unresolved: 1,
    });
  });

  it("tells Graph's Mail.Read from another resource's by its ID, and names a known ID the configured set lacks", () => {
    const configured = [entry("exchange", "Mail.Read", "eeeeeeee-0000-4000-8000-000000000001")];
    // 810c84a8-… is Microsoft Graph's Mail.Read application permission.
    expect(resolveGrantedRoles(["appRole:810c84a8-4a9e-49e6-bf7d-12d183f40d01"], configured)).toEqual({ refs: [ref("graph", "Mail.Read")], unresolved: 0 });
  });

  it("with the APP_PERMISSIONS fallback (no IDs), an unnamed grant leaves a permission unknown, never 'not granted'", () => {
    const configured = [entry("graph", "Sites.Read.All")];
    const { refs, unresolved } = resolveGrantedRoles(["appRole:332a536c-c7ef-4017-ab91-336970924f0d"], configured);
    const { rows, reconsentNeeded } = assessPermissions({ configured, granted: refs, grantedUnresolved: unresolved, tokenRoles: { graph: ["Sites.Read.All"] } });
    expect(rows[0]).toMatchObject({ value: "Sites.Read.All", granted: null, inToken: true, state: "granted" });
    expect(reconsentNeeded).toBe(false);
  });
});

describe("parsePermissionName", () => {
  it.each([
    ["Graph/Sites.Read.All", { resource: "graph", value: "Sites.Read.All" }],
    ["exchange/full_access_as_app", { resource: "exchange", value: "full_access_as_app" }],
    ["SharePoint/Sites.FullControl.All", { resource: "sharepoint", value: "Sites.FullControl.All" }],
    ["  User.Read.All ", { resource: "graph", value: "User.Read.All" }],
  ])("reads %s", (text, expected) => {
    expect(parsePermissionName(text)).toEqual(expected);
  });

  it.each([
    ["Teams/Chat.Read.All", /unknown resource "Teams"/],
    ["Graph/", /not a permission name/],
    ["Graph/Mail Read", /not a permission name/],
    ["Graph/a/b", /not a permission name/],
  ])("refuses %s with a sentence", (text, message) => {
    const parsed = parsePermissionName(text);
    expect("error" in parsed && parsed.error).toMatch(message);
  });
});

describe("the truth table labels rows without a probe", () => {
  it("says 'no probe' for a permission no probe covers, and uses the shared assessment", () => {
    const rows = buildTruthTable([entry("graph", "Organization.Read.All"), entry("graph", "Some.Unprobed.Permission")], null, []);
    const by = Object.fromEntries(rows.map((r) => [r.name, r]));
    expect(by["Graph/Organization.Read.All"]).toMatchObject({ coverage: "probe", state: "unknown" });
    expect(by["Graph/Some.Unprobed.Permission"]).toMatchObject({ coverage: "no-probe" });
  });

  it("says a write-only permission is proven by grant and token only, and tells Graph's Sites.Read.All from SharePoint's", () => {
    const summary = { iterations: 1, probes: {}, tokenRoles: ["Mail.Send", "Sites.Read.All"], exchangeTokenRoles: [], sharepointTokenRoles: [], grantedRoles: ["Mail.Send", "Sites.Read.All"], findings: [], mailbox: null };
    const rows = buildTruthTable([entry("graph", "Mail.Send"), entry("graph", "Sites.Read.All"), entry("sharepoint", "Sites.Read.All")], summary, []);
    const by = Object.fromEntries(rows.map((r) => [r.name, r]));
    expect(by["Graph/Mail.Send"]).toMatchObject({ coverage: "write-only", granted: true, inToken: true, state: "granted", drift: null });
    expect(by["Graph/Sites.Read.All"]).toMatchObject({ coverage: "probe", state: "granted" });
    // Granted (the value is configured for both resources) but not in SharePoint's own token yet.
    expect(by["SharePoint/Sites.Read.All"]).toMatchObject({ coverage: "probe", inToken: false, state: "not-in-token", drift: { reconsent: false } });
  });
});
