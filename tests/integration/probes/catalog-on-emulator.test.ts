import { beforeEach, describe, expect, it } from "vitest";

import { DEFAULT_RETRY_POLICY } from "@/lib/graph/retry";
import { upsertTenant } from "@/lib/db/repositories/tenants";
import { acquireAppToken } from "@/lib/identity/app-token";
import { recordPermissionSet } from "@/lib/permissions/permission-set";
import { probeTenantAndRecord } from "@/lib/probes/run-tenant";
import { PROBES } from "@/lib/probes/catalog";
import { liveProbeDeps, probeTenantOnce, type ProbeDeps } from "@/lib/probes/runner";
import { DEMO_APP_ID, TENANTS } from "../../support/emulator";
import { setUpPortalOnEmulator } from "../../support/portal-on-emulator";

let batches: number[] = [];

const EVERY_PERMISSION = PROBES.map((p) => ({ resource: p.resource, value: p.permission }));

function deps(permissions: ProbeDeps["permissions"] = EVERY_PERMISSION): ProbeDeps {
  const live = liveProbeDeps();
  return {
    ...live,
    permissions,
    // Fresh tokens: each test grants other roles, and a cached token keeps the roles it was issued with.
    acquireToken: (tenantId, resource, sharepointRoot) => acquireAppToken(tenantId, resource, { fresh: true, sharepointRoot }),
    policy: { ...DEFAULT_RETRY_POLICY, sleep: async () => {} },
    graphBatch: (token, items, policy) => {
      batches.push(items.length);
      return live.graphBatch(token, items, policy);
    },
  };
}

async function grantEverything() {
  const grants = (["graph", "exchange", "sharepoint"] as const).map((resource) => ({ resource, roles: PROBES.filter((p) => p.resource === resource).map((p) => p.permission) }));
  const response = await portal.emu.control("PUT", `/tenants/${TENANTS.fabrikam}/servicePrincipals/${DEMO_APP_ID}`, { grants, directoryRoles: ["Exchange Administrator"] });
  expect(response.status).toBe(200);
}

const portal = setUpPortalOnEmulator();
beforeEach(() => {
  batches = [];
});

const byProbe = (outcomes: { probe: string }[]) => Object.fromEntries(outcomes.map((o) => [o.probe, o]));

describe("the whole probe catalog against the sandbox", () => {
  it("passes every probe when every permission is granted, finding the mailbox, team, channel and SharePoint itself", async () => {
    await grantEverything();
    const pass = await probeTenantOnce({ id: TENANTS.fabrikam, initialDomain: null, testMailbox: null }, deps());
    const outcomes = byProbe(pass.outcomes);
    for (const p of PROBES) expect(outcomes[p.key], p.key).toMatchObject({ outcome: "pass", permission: p.permission });
    for (const token of ["token", "exchange-token", "sharepoint-token"]) expect(outcomes[token], token).toMatchObject({ outcome: "pass" });
    expect(pass.sharepointTokenRoles).toEqual(["Sites.FullControl.All", "Sites.Read.All"]);
    expect(pass.exchangeTokenRoles).toEqual(["Exchange.ManageAsApp", "full_access_as_app"]);
    expect(pass.learned).toMatchObject({ mailboxCandidate: "megan@fabrikam.example", teamCandidate: expect.any(String), channelCandidate: expect.stringMatching(/^19:/) });
    // Round 1 (no mailbox, team or channel known) holds more than one $batch's worth of probes.
    expect(batches[0]).toBeGreaterThan(20);
    const sent = (await (await portal.emu.control("GET", "/state")).json()) as { requests: Record<string, number> };
    expect(sent.requests.batch).toBeGreaterThanOrEqual(Math.ceil(batches[0]! / 20) + batches.length - 1);
  });

  it("fails the probes of a permission that is not granted, and skips what needed it to find a team", async () => {
    await grantEverything();
    await portal.emu.control("PUT", `/tenants/${TENANTS.fabrikam}/servicePrincipals/${DEMO_APP_ID}`, {
      grants: [
        { resource: "graph", roles: PROBES.filter((p) => p.resource === "graph" && p.permission !== "Team.ReadBasic.All" && p.permission !== "SecurityAlert.Read.All").map((p) => p.permission) },
        { resource: "exchange", roles: ["Exchange.ManageAsApp"] },
        { resource: "sharepoint", roles: [] },
      ],
      directoryRoles: ["Exchange Administrator"],
    });
    const outcomes = byProbe((await probeTenantOnce({ id: TENANTS.fabrikam, initialDomain: "fabrikam.onmicrosoft.com", testMailbox: "megan@fabrikam.example" }, deps())).outcomes);
    expect(outcomes["security-alerts"]).toMatchObject({ outcome: "fail", httpStatus: 403, errorCode: "Forbidden" });
    expect(outcomes.teams).toMatchObject({ outcome: "fail", httpStatus: 403 });
    expect(outcomes.channels).toMatchObject({ outcome: "skip", note: expect.stringContaining("no team to read") });
    expect(outcomes["channel-messages"]).toMatchObject({ outcome: "skip" });
    expect(outcomes.ews).toMatchObject({ outcome: "fail", httpStatus: 401 });
    expect(outcomes["sharepoint-web"]).toMatchObject({ outcome: "fail", httpStatus: 403, errorCode: "-2147024891, System.UnauthorizedAccessException" });
    expect(outcomes.mail).toMatchObject({ outcome: "pass" });
  });

  it("runs only the configured probes, named in any of the accepted ways", async () => {
    await grantEverything();
    const pass = await probeTenantOnce({ id: TENANTS.fabrikam, initialDomain: null, testMailbox: "megan@fabrikam.example" }, deps(["Graph/Place.Read.All", "SharePoint/Sites.Read.All", "Exchange/full_access_as_app"]));
    expect(pass.outcomes.map((o) => [o.probe, o.outcome])).toEqual([
      ["token", "pass"],
      ["exchange-token", "pass"],
      ["sharepoint-token", "pass"],
      ["places", "pass"],
      ["ews", "pass"],
      ["sharepoint-web", "pass"],
    ]);
    expect(batches).toEqual([1]);
  });

  it("probes the permission set in force when no dependencies are given: the registration's, per resource", async () => {
    await grantEverything();
    const entry = (resource: "graph" | "exchange" | "sharepoint", value: string) => ({ resource, value, appRoleId: null, displayName: null, description: null });
    await recordPermissionSet(portal.database.db, [entry("graph", "Organization.Read.All"), entry("graph", "Group.Read.All"), entry("sharepoint", "Sites.Read.All"), entry("graph", "Mail.Send")], "registration");
    await upsertTenant(portal.database.db, TENANTS.fabrikam, { status: "consented" });
    const { outcomes, summary } = await probeTenantAndRecord(portal.database.db, TENANTS.fabrikam, { trigger: "manual" });
    expect(outcomes.map((o) => o.probe).sort()).toEqual(["groups", "organization", "sharepoint-token", "sharepoint-web", "token"]);
    expect(summary.sharepointTokenRoles).toEqual(["Sites.FullControl.All", "Sites.Read.All"]);
  });
});
