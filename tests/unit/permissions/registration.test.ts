import { describe, expect, it } from "vitest";

import type { GraphResult } from "@/lib/graph/graph-client";
import type { AppRegistration, ResourceAppRole } from "@/lib/graph/applications";
import { formatPermission } from "@/lib/permissions/catalog";
import { parsePermissionReasons } from "@/lib/permissions/reasons";
import { readRegisteredPermissions, type RegistrationDeps } from "@/lib/permissions/registration";
import { credentialStatus } from "@/lib/permissions/settings-view";

const GRAPH = "00000003-0000-0000-c000-000000000000";
const EXCHANGE = "00000002-0000-0ff1-ce00-000000000000";
const SHAREPOINT = "00000003-0000-0ff1-ce00-000000000000";
const CUSTOM_API = "11111111-2222-4333-8444-555555555555";

const ok = <T>(data: T): GraphResult<T> => ({ ok: true, status: 200, data, requestId: null, latencyMs: 1 });
const role = (id: string, value: string, displayName = value): ResourceAppRole => ({ id, value, displayName, description: `Allows ${value}.` });

const ROLES: Record<string, ResourceAppRole[]> = {
  [GRAPH]: [role("332a536c-c7ef-4017-ab91-336970924f0d", "Sites.Read.All", "Read items in all site collections"), role("a82116e5-55eb-4c41-a434-62fe8a61c773", "Sites.FullControl.All")],
  [EXCHANGE]: [role("dc890d15-9560-4a4c-9b7f-a736ec74ec40", "full_access_as_app")],
  [SHAREPOINT]: [role("678536fe-1083-478a-9c59-b99265e6b0d3", "Sites.FullControl.All")],
};

function deps(registration: AppRegistration, requested: string[] = []): RegistrationDeps {
  return {
    partnerGraphToken: async () => "token",
    readAppRegistration: async () => ok(registration),
    readResourceAppRoles: async (_token, appId) => {
      requested.push(appId);
      return ok({ appId, displayName: null, appRoles: ROLES[appId] ?? [] });
    },
  };
}

const registration = (requiredAppRoles: AppRegistration["requiredAppRoles"]): AppRegistration => ({
  objectId: "o",
  appId: "5e0c1d2a-7b3f-4c59-9a8e-0d6f2b4c8a17",
  displayName: "Demo",
  requiredAppRoles,
  credentials: [],
  redirectUris: [],
});

describe("role-ID resolution through each resource's appRoles", () => {
  it("names every configured app role by its resource, value, display name and description", async () => {
    const requested: string[] = [];
    const { permissions, read } = await readRegisteredPermissions(
      deps(
        registration([
          { resourceAppId: SHAREPOINT, appRoleIds: ["678536fe-1083-478a-9c59-b99265e6b0d3"] },
          { resourceAppId: GRAPH, appRoleIds: ["a82116e5-55eb-4c41-a434-62fe8a61c773", "332a536c-c7ef-4017-ab91-336970924f0d"] },
          { resourceAppId: EXCHANGE, appRoleIds: ["dc890d15-9560-4a4c-9b7f-a736ec74ec40"] },
        ]),
        requested,
      ),
      "5e0c1d2a-7b3f-4c59-9a8e-0d6f2b4c8a17",
    );
    expect(permissions.map(formatPermission)).toEqual(["Graph/Sites.FullControl.All", "Graph/Sites.Read.All", "Exchange/full_access_as_app", "SharePoint/Sites.FullControl.All"]);
    expect(permissions[1]).toEqual({ resource: "graph", value: "Sites.Read.All", appRoleId: "332a536c-c7ef-4017-ab91-336970924f0d", displayName: "Read items in all site collections", description: "Allows Sites.Read.All." });
    expect(requested.sort()).toEqual([EXCHANGE, GRAPH, SHAREPOINT].sort());
    expect(read.ignored).toEqual([]);
  });

  it("leaves out (and reports) other APIs' permissions and IDs the resource does not list, without asking for roles it does not need", async () => {
    const requested: string[] = [];
    const { permissions, read } = await readRegisteredPermissions(
      deps(
        registration([
          { resourceAppId: CUSTOM_API, appRoleIds: ["aaaaaaaa-0000-4000-8000-000000000000"] },
          { resourceAppId: GRAPH, appRoleIds: ["bbbbbbbb-0000-4000-8000-000000000000"] },
          { resourceAppId: EXCHANGE, appRoleIds: [] },
        ]),
        requested,
      ),
      "5e0c1d2a-7b3f-4c59-9a8e-0d6f2b4c8a17",
    );
    expect(permissions).toEqual([]);
    expect(read.ignored).toEqual([`${CUSTOM_API}/aaaaaaaa-0000-4000-8000-000000000000`, `${GRAPH}/bbbbbbbb-0000-4000-8000-000000000000`]);
    expect(requested).toEqual([GRAPH]);
  });

  it("says which permission to grant when Graph refuses to show the registration", async () => {
    const refusing: RegistrationDeps = {
      ...deps(registration([])),
      readAppRegistration: async () => ({ ok: false, status: 403, code: "Authorization_RequestDenied", message: "Insufficient privileges to complete the operation.", requestId: null, latencyMs: 1, headers: {} }),
    };
    await expect(readRegisteredPermissions(refusing, "x")).rejects.toMatchObject({ code: "registration_unreadable", reason: "Authorization_RequestDenied", message: expect.stringMatching(/Application\.Read\.All in your own \(partner\) tenant/) });
  });
});

describe("credential expiry", () => {
  const now = Date.parse("2026-11-30T00:00:00Z");
  it.each([
    ["2027-06-01T00:00:00Z", "ok"],
    ["2026-12-29T00:00:00Z", "expiring"],
    ["2026-11-29T00:00:00Z", "expired"],
    [null, "unknown"],
  ])("an end date of %s is %s (warned 30 days ahead)", (endDateTime, state) => {
    expect(credentialStatus({ kind: "secret", displayName: "s", keyId: null, endDateTime }, now).state).toBe(state);
  });
});

describe("the partner's reasons file", () => {
  it("reads Resource/Permission keys, a bare name being Graph's", () => {
    const reasons = parsePermissionReasons({ "Mail.Read": "We archive mail.", "SharePoint/Sites.Read.All": "We index documents." });
    expect([...reasons.entries()]).toEqual([
      ["graph/Mail.Read", "We archive mail."],
      ["sharepoint/Sites.Read.All", "We index documents."],
    ]);
  });

  it.each([
    [{ "Teams/Chat.Read.All": "x" }, /unknown resource "Teams"/],
    [{ "Graph/Mail.Read": "" }, /Graph\/Mail\.Read must be a sentence/],
    [["not", "an object"], /expected \{"Graph\/Mail\.Read"/],
  ])("refuses %j with the entry at fault", (raw, message) => {
    expect(() => parsePermissionReasons(raw)).toThrow(message);
  });
});
