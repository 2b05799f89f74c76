import { describe, expect, it } from "vitest";

import { RESOURCES } from "../../../emulator/src/catalog";
import { PROBES, probeFor, probesFor, WRITE_ONLY_PERMISSIONS, type EwsProbe, type GraphProbe, type Probe, type SharePointProbe } from "@/lib/probes/catalog";

const ctx = {
  clientId: "5e0c1d2a-7b3f-4c59-9a8e-0d6f2b4c8a17",
  mailbox: "adele@contoso.com",
  initialDomain: "contoso.onmicrosoft.com",
  teamId: "team-1",
  channelId: "19:general@thread.tacv2",
};
const byKey = (key: string) => PROBES.find((p) => p.key === key) as Probe;
const graph = (key: string) => byKey(key) as GraphProbe;
const graphProbes = PROBES.filter((p): p is GraphProbe => p.kind === "graph");

/** Every Graph probe's request, as sent in a $batch (below /v1.0). */
const GRAPH_PATHS: Record<string, string> = {
  organization: "/organization?$select=id,displayName,verifiedDomains",
  domains: "/domains?$select=id,isInitial,isDefault,isVerified",
  users: "/users?$top=25&$select=id,userPrincipalName,mail,assignedLicenses",
  directory: "/organization?$select=id",
  application: "/servicePrincipals(appId='5e0c1d2a-7b3f-4c59-9a8e-0d6f2b4c8a17')/appRoleAssignments",
  groups: "/groups?$top=1&$select=id",
  "group-members": "/groups?$top=1&$select=id,displayName",
  "directory-roles": "/directoryRoles?$select=id",
  "authorization-policy": "/policies/authorizationPolicy?$select=id",
  "administrative-units": "/directory/administrativeUnits?$top=1&$select=id",
  devices: "/devices?$top=1&$select=id",
  "org-contacts": "/contacts?$top=1&$select=id",
  "audit-log": "/auditLogs/directoryAudits?$top=1",
  reports: "/reports/getOffice365ActiveUserCounts(period='D7')",
  "security-alerts": "/security/alerts_v2?$top=1",
  "security-incidents": "/security/incidents?$top=1",
  "risky-users": "/identityProtection/riskyUsers?$top=1",
  "risk-detections": "/identityProtection/riskDetections?$top=1",
  "threat-assessments": "/informationProtection/threatAssessmentRequests?$top=1",
  "attack-simulations": "/security/attackSimulation/simulations?$top=1",
  "managed-devices": "/deviceManagement/managedDevices?$top=1&$select=id",
  "device-configurations": "/deviceManagement/deviceConfigurations?$top=1&$select=id",
  "mobile-apps": "/deviceAppManagement/mobileApps?$top=1&$select=id",
  "intune-roles": "/deviceManagement/roleDefinitions?$top=1&$select=id",
  teams: "/teams?$top=1&$select=id",
  channels: "/teams/team-1/channels?$select=id",
  "channel-messages": "/teams/team-1/channels/19%3Ageneral%40thread.tacv2/messages?$top=1",
  "team-members": "/teams/team-1/members?$top=1",
  "channel-members": "/teams/team-1/channels/19%3Ageneral%40thread.tacv2/members",
  chats: "/users/adele%40contoso.com/chats?$top=1&$select=id",
  "chat-messages": "/users/adele%40contoso.com/chats?$top=1",
  "app-catalog": "/appCatalogs/teamsApps?$top=1&$select=id",
  sites: "/sites/root?$select=id,webUrl",
  drive: "/sites/root/drive?$select=id",
  mail: "/users/adele%40contoso.com/messages?$top=1&$select=id",
  "mail-basic": "/users/adele%40contoso.com/messages?$top=1&$select=id,subject",
  calendars: "/users/adele%40contoso.com/events?$top=1&$select=id",
  contacts: "/users/adele%40contoso.com/contacts?$top=1&$select=id",
  "mailbox-settings": "/users/adele%40contoso.com/mailboxSettings?$select=timeZone",
  places: "/places/microsoft.graph.room?$top=1",
  "service-health": "/admin/serviceAnnouncement/healthOverviews?$select=id",
  "service-messages": "/admin/serviceAnnouncement/messages?$top=1&$select=id",
  "terms-of-use": "/identityGovernance/termsOfUse/agreements?$select=id",
  "access-reviews": "/identityGovernance/accessReviews/definitions?$top=1&$select=id",
};

/** A Graph-shaped answer each probe accepts (as Graph documents it); collections by default. */
const GOOD: Record<string, { body: unknown; headers?: Record<string, string> }> = {
  organization: { body: { value: [{ id: "o", displayName: "Contoso", verifiedDomains: [{ name: "contoso.onmicrosoft.com", isInitial: true }] }] } },
  domains: { body: { value: [{ id: "contoso.onmicrosoft.com", isInitial: true }] } },
  users: { body: { value: [{ id: "1", userPrincipalName: "adele@contoso.com", mail: "adele@contoso.com", assignedLicenses: [{}] }] } },
  application: { body: { value: [{ appRoleId: "810c84a8-4a9e-49e6-bf7d-12d183f40d01" }] } },
  "authorization-policy": { body: { "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#policies/authorizationPolicy/$entity", id: "authorizationPolicy" } },
  reports: { body: null, headers: { location: "https://reports.office.com/data/download/JDFKdf2_eJXKS034dbc7e0t__XDe" } },
  sites: { body: { id: "contoso.sharepoint.com,2C712604-1370-44E7-A1F5-426573FDA80A,2D2244C3-251A-49EA-93A8-39E1C3A060FE", webUrl: "https://contoso.sharepoint.com" } },
  drive: { body: { id: "b!t18F8ybsHUq1z3LTz8xvZqP8zaSWjkFNhsME-Fepo75dTf9vQKfeRblBZjoSQrd7" } },
  "mailbox-settings": { body: { "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#users('adele%40contoso.com')/mailboxSettings(timeZone)", timeZone: "Pacific Standard Time" } },
};

describe("the probe catalog", () => {
  it("probes at least 40 application permissions, one probe each, across Graph, Exchange and SharePoint", () => {
    const keys = PROBES.map((p) => `${p.resource}/${p.permission}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(new Set(PROBES.map((p) => p.key)).size).toBe(PROBES.length);
    expect(keys.length).toBeGreaterThanOrEqual(40);
    expect(new Set(PROBES.map((p) => p.resource))).toEqual(new Set(["graph", "exchange", "sharepoint"]));
  });

  it.each(PROBES.map((p) => [`${p.resource}/${p.permission}`, p] as const))("%s is a real app role and cites its reference page", (_name, probe) => {
    const role = (RESOURCES[probe.resource].roles as Record<string, { id: string } | undefined>)[probe.permission];
    expect(role?.id, "the emulator's role catalog knows its published ID").toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(probe.reference).toMatch(/^https:\/\/learn\.microsoft\.com\/[a-z-]+\/[\w./-]+$/);
    expect(probe.needsMailbox).toBe(probe.needs.includes("mailbox"));
  });

  it("has a request in this table for every Graph probe", () => {
    expect(graphProbes.map((p) => p.key).sort()).toEqual(Object.keys(GRAPH_PATHS).sort());
  });

  it.each(graphProbes.map((p) => [p.key, p] as const))("builds the %s request", (key, probe) => {
    expect(probe.path(ctx)).toBe(GRAPH_PATHS[key]);
  });

  it.each(graphProbes.map((p) => [p.key, p] as const))("%s accepts a Graph-shaped answer and rejects junk", (key, probe) => {
    const good = GOOD[key] ?? { body: { "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#x", value: [{ id: "1" }] } };
    expect(probe.read(good.body, good.headers ?? {}), "Graph-shaped answer").not.toBeNull();
    expect(probe.read({ unexpected: true }, {}), "object without the expected properties").toBeNull();
    expect(probe.read("<html>Sign in</html>", {}), "an HTML page").toBeNull();
    expect(probe.read({ value: [{ name: "no id" }] }, {}), "items without an id").toBeNull();
  });

  it("counts an empty collection as allowed (the tenant has none yet)", () => {
    expect(graph("security-alerts").read({ value: [] })?.note).toBe("allowed; the tenant has no alert(s) yet");
  });

  it("reads the organization's name and initial and default domains", () => {
    const read = graph("organization").read({ value: [{ id: "o", displayName: "Contoso", verifiedDomains: [{ name: "Contoso.onmicrosoft.com", isInitial: true }, { name: "contoso.com", isDefault: true }] }] });
    expect(read?.learned).toEqual({ displayName: "Contoso", initialDomain: "contoso.onmicrosoft.com", defaultDomain: "contoso.com" });
  });

  it("records appRoleAssignments by app role ID, which alone tells one resource's permission from another's", () => {
    const read = graph("application").read({ value: [{ appRoleId: "810C84A8-4A9E-49E6-BF7D-12D183F40D01" }, { appRoleId: "11111111-2222-4333-8444-555555555555" }] });
    expect(read?.learned?.grantedRoles).toEqual(["appRole:11111111-2222-4333-8444-555555555555", "appRole:810c84a8-4a9e-49e6-bf7d-12d183f40d01"]);
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

  it("learns a team, a channel and the SharePoint root for the probes that need them", () => {
    expect(graph("teams").read({ value: [{ id: "t1" }, { id: "t2" }] })?.learned).toEqual({ teamCandidate: "t1" });
    expect(graph("channels").read({ value: [{ id: "c1" }] })?.learned).toEqual({ channelCandidate: "c1" });
    expect(graph("sites").read(GOOD.sites!.body)?.learned).toEqual({ sharepointRoot: "https://contoso.sharepoint.com" });
    expect(graph("channel-messages").needs).toEqual(["team", "channel"]);
  });

  it("passes the usage report only on its redirect to an https download", () => {
    expect(graph("reports").okStatuses).toEqual([302]);
    expect(graph("reports").read(null, { location: "http://insecure.example/x" })).toBeNull();
    expect(graph("reports").read(null, {})).toBeNull();
  });

  it("reads EWS's GetFolder answer and rejects an error or junk", () => {
    const ews = byKey("ews") as EwsProbe;
    const ok =
      '<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><m:GetFolderResponse xmlns:m="http://schemas.microsoft.com/exchange/services/2006/messages" xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types"><m:ResponseMessages><m:GetFolderResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode><m:Folders><t:Folder><t:FolderId Id="AAMkAD" ChangeKey="AQAAAB"/></t:Folder></m:Folders></m:GetFolderResponseMessage></m:ResponseMessages></m:GetFolderResponse></s:Body></s:Envelope>';
    expect(ews.read(ok)?.note).toBe("read the Inbox folder");
    expect(ews.read(ok.replace('ResponseClass="Success"', 'ResponseClass="Error"'))).toBeNull();
    expect(ews.read("<html>Sign in</html>")).toBeNull();
    expect(ews).toMatchObject({ resource: "exchange", permission: "full_access_as_app", folder: "inbox", needs: ["mailbox"] });
  });

  it("reads SharePoint REST's web title and rejects junk", () => {
    for (const permission of ["Sites.Read.All", "Sites.FullControl.All"]) {
      const sp = probeFor("sharepoint", permission) as SharePointProbe;
      expect(sp.path).toBe("/_api/web?$select=Title");
      expect(sp.read({ Title: "Communication site" })?.note).toBe('root site "Communication site"');
      expect(sp.read({ d: { results: [] } })).toBeNull();
    }
  });
});

describe("probeFor and probesFor", () => {
  it("finds a probe by resource and role value: the same value on two resources is two probes", () => {
    expect(probeFor("graph", "Sites.Read.All")?.key).toBe("sites");
    expect(probeFor("sharepoint", "Sites.Read.All")?.key).toBe("sharepoint-web");
    expect(probeFor("exchange", "full_access_as_app")?.key).toBe("ews");
    expect(probeFor("graph", "full_access_as_app")).toBeUndefined();
    expect(probeFor("graph", "Mail.Send")).toBeUndefined();
  });

  it("never probes a write-only permission, and every write-only permission is a real app role", () => {
    expect(WRITE_ONLY_PERMISSIONS.has("graph/Mail.Send")).toBe(true);
    for (const key of WRITE_ONLY_PERMISSIONS) {
      const [resource, value] = key.split("/") as ["graph" | "exchange" | "sharepoint", string];
      expect(probeFor(resource, value), key).toBeUndefined();
      expect((RESOURCES[resource].roles as Record<string, unknown>)[value], key).toBeDefined();
    }
  });

  it("selects the probes of the configured permissions, in catalog order, whatever way they are named", () => {
    expect(probesFor(["Mail.Read", "Organization.Read.All"]).map((p) => p.key)).toEqual(["organization", "mail"]);
    expect(
      probesFor(["SharePoint/Sites.FullControl.All", "Graph/Sites.Read.All", "Exchange.ManageAsApp", "full_access_as_app", { resource: "sharepoint", value: "Sites.Read.All" }]).map((p) => p.key),
    ).toEqual(["sites", "exchange", "ews", "sharepoint-web", "sharepoint-web-full"]);
    expect(probesFor(["Graph/Mail.Send", "Unknown/Thing", "Nope.Read.All"])).toEqual([]);
  });
});
