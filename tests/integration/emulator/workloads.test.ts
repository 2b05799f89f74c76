import { readFileSync } from "node:fs";

import { ConfidentialClientApplication } from "@azure/msal-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { DEMO_APP_ID, TENANTS, startTestEmulator, type TestEmulator } from "../../support/emulator";

let emu: TestEmulator & { dispose(): Promise<void> };
let bySecret: ConfidentialClientApplication;
let byCertificate: ConfidentialClientApplication;

const FABRIKAM = TENANTS.fabrikam;
const MAILBOX = "megan@fabrikam.example";

beforeAll(async () => {
  emu = await startTestEmulator();
  bySecret = new ConfidentialClientApplication({ auth: { clientId: DEMO_APP_ID, authority: `${emu.authorityHost}/organizations`, clientSecret: emu.secret, knownAuthorities: [emu.host] } });
  byCertificate = new ConfidentialClientApplication({
    auth: {
      clientId: DEMO_APP_ID,
      authority: `${emu.authorityHost}/organizations`,
      clientCertificate: { thumbprintSha256: emu.thumbprintSha256, privateKey: readFileSync(emu.certificatePath, "utf8") },
      knownAuthorities: [emu.host],
    },
  });
});
afterAll(async () => {
  await emu?.dispose();
});

/** Grants exactly these roles to the demo app in Fabrikam (a fresh consent, already replicated). */
async function grant(grants: { resource: "graph" | "exchange" | "sharepoint"; roles: string[] }[]) {
  const response = await emu.control("PUT", `/tenants/${FABRIKAM}/servicePrincipals/${DEMO_APP_ID}`, { grants, directoryRoles: [] });
  expect(response.status).toBe(200);
}

async function token(resource: string, client = bySecret): Promise<string> {
  const result = await client.acquireTokenByClientCredential({ scopes: [`${resource}/.default`], authority: `${emu.authorityHost}/${FABRIKAM}`, skipCache: true });
  return result!.accessToken;
}

async function graph(path: string) {
  const response = await fetch(`${emu.graphHost}/v1.0${path}`, { headers: { authorization: `Bearer ${await token("https://graph.microsoft.com")}` }, redirect: "manual" });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? (JSON.parse(text) as Record<string, any>) : null };
}

describe("Graph workloads in the sandbox", () => {
  // [request, permission that allows it, error code without it]
  it.each([
    ["/groups?$top=1&$select=id", "Group.Read.All", "Authorization_RequestDenied"],
    ["/groups?$top=1&$select=id", "GroupMember.Read.All", "Authorization_RequestDenied"],
    ["/directoryRoles?$select=id", "RoleManagement.Read.Directory", "Authorization_RequestDenied"],
    ["/auditLogs/directoryAudits?$top=1", "AuditLog.Read.All", "Authorization_RequestDenied"],
    ["/security/alerts_v2?$top=1", "SecurityAlert.Read.All", "Forbidden"],
    ["/deviceManagement/managedDevices?$top=1&$select=id", "DeviceManagementManagedDevices.Read.All", "Forbidden"],
    ["/teams?$top=1&$select=id", "Team.ReadBasic.All", "Forbidden"],
    ["/places/microsoft.graph.room?$top=1", "Place.Read.All", "Forbidden"],
    ["/admin/serviceAnnouncement/healthOverviews?$select=id", "ServiceHealth.Read.All", "Forbidden"],
    [`/users/${MAILBOX}/mailboxSettings?$select=timeZone`, "MailboxSettings.Read", "ErrorAccessDenied"],
    ["/sites/root?$select=id,webUrl", "Sites.Read.All", "accessDenied"],
  ])("GET %s: answers with %s, refuses 403 %s without it", async (path, permission, deniedCode) => {
    await grant([{ resource: "graph", roles: [permission] }]);
    const allowed = await graph(path);
    expect(allowed.status, JSON.stringify(allowed.body)).toBe(200);
    expect(allowed.body!["@odata.context"]).toMatch(/\$metadata#/);
    if (Array.isArray(allowed.body!.value)) for (const item of allowed.body!.value) expect(item.id).toEqual(expect.any(String));
    else expect(allowed.body!.id ?? allowed.body!.timeZone).toEqual(expect.any(String));

    await grant([{ resource: "graph", roles: ["Organization.Read.All"] }]);
    const denied = await graph(path);
    expect(denied.status).toBe(403);
    expect(denied.body!.error).toMatchObject({ code: deniedCode, message: expect.any(String), innerError: { "request-id": expect.stringMatching(/^[0-9a-f-]{36}$/) } });
  });

  it("accepts Directory.Read.All where the reference page names it, and applies $top and $select", async () => {
    await grant([{ resource: "graph", roles: ["Directory.Read.All"] }]);
    const devices = await graph("/devices?$top=1&$select=id");
    expect(devices.status).toBe(200);
    expect(devices.body!.value).toHaveLength(1);
    expect(Object.keys(devices.body!.value[0])).toEqual(["id"]);
    expect((await graph("/security/incidents?$top=1")).status).toBe(403);
  });

  it("walks from the team to its channel, its messages and members, each with its own permission", async () => {
    await grant([{ resource: "graph", roles: ["Team.ReadBasic.All", "Channel.ReadBasic.All", "ChannelMessage.Read.All", "TeamMember.Read.All"] }]);
    const team = (await graph("/teams?$top=1&$select=id")).body!.value[0].id as string;
    const channel = (await graph(`/teams/${team}/channels?$select=id`)).body!.value[0].id as string;
    expect(channel).toMatch(/^19:[0-9a-f]+@thread\.tacv2$/);
    const messages = await graph(`/teams/${team}/channels/${encodeURIComponent(channel)}/messages?$top=1`);
    expect(messages.status).toBe(200);
    expect(messages.body!.value[0]).toMatchObject({ id: expect.any(String), messageType: "message" });
    expect((await graph(`/teams/${team}/members?$top=1`)).body!.value).toHaveLength(1);
    expect((await graph(`/teams/${team}/channels/${encodeURIComponent(channel)}/members`)).status).toBe(403);
    expect((await graph("/teams/00000000-0000-4000-8000-000000000000/channels")).status).toBe(404);
  });

  it("answers the usage report with a redirect to its download", async () => {
    await grant([{ resource: "graph", roles: ["Reports.Read.All"] }]);
    const report = await graph("/reports/getOffice365ActiveUserCounts(period='D7')");
    expect(report.status).toBe(302);
    expect(report.headers.get("location")).toMatch(/^https:\/\/.+\.csv$/);
  });

  it("answers a mailbox-settings read as Exchange Online does for a mailbox it cannot serve", async () => {
    await grant([{ resource: "graph", roles: ["MailboxSettings.Read"] }]);
    const noMailbox = await graph("/users/nobody@fabrikam.example/mailboxSettings");
    expect(noMailbox.status).toBe(404);
    expect(noMailbox.body!.error.code).toBe("ErrorInvalidUser");
  });
});

describe("SharePoint REST in the sandbox", () => {
  async function web(accessToken: string) {
    const response = await fetch(`${emu.authorityHost}/_api/web?$select=Title`, { headers: { authorization: `Bearer ${accessToken}`, accept: "application/json;odata=nometadata" } });
    return { status: response.status, body: (await response.json()) as Record<string, any> };
  }

  it("issues a token for the sandbox's SharePoint origin with SharePoint's roles, and reads the root web with it", async () => {
    await grant([{ resource: "sharepoint", roles: ["Sites.Read.All"] }]);
    const accessToken = await token(emu.authorityHost, byCertificate);
    const claims = JSON.parse(Buffer.from(accessToken.split(".")[1]!, "base64url").toString("utf8"));
    expect(claims).toMatchObject({ aud: emu.authorityHost, roles: ["Sites.Read.All"], appidacr: "2" });
    expect(await web(accessToken)).toEqual({ status: 200, body: { Title: "Communication site" } });
  });

  it("refuses a token the app got with a client secret, as SharePoint does", async () => {
    await grant([{ resource: "sharepoint", roles: ["Sites.FullControl.All"] }]);
    expect(await web(await token(emu.authorityHost, bySecret))).toEqual({ status: 401, body: { error_description: "Unsupported app only token." } });
  });

  it("refuses a token without a SharePoint site permission with SharePoint's access-denied error", async () => {
    await grant([{ resource: "sharepoint", roles: [] }, { resource: "graph", roles: ["Sites.Read.All"] }]);
    const denied = await web(await token(emu.authorityHost, byCertificate));
    expect(denied.status).toBe(403);
    expect(denied.body["odata.error"]).toMatchObject({ code: "-2147024891, System.UnauthorizedAccessException", message: { value: expect.stringContaining("Access denied") } });
    const graphToken = await token("https://graph.microsoft.com", byCertificate);
    expect((await web(graphToken)).status).toBe(401);
  });
});

describe("EWS in the sandbox", () => {
  const getFolder = (mailbox: string | null) =>
    `<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types" xmlns:m="http://schemas.microsoft.com/exchange/services/2006/messages"><soap:Header><t:RequestServerVersion Version="Exchange2013"/>${
      mailbox ? `<t:ExchangeImpersonation><t:ConnectingSID><t:SmtpAddress>${mailbox}</t:SmtpAddress></t:ConnectingSID></t:ExchangeImpersonation>` : ""
    }</soap:Header><soap:Body><m:GetFolder><m:FolderShape><t:BaseShape>IdOnly</t:BaseShape></m:FolderShape><m:FolderIds><t:DistinguishedFolderId Id="inbox"/></m:FolderIds></m:GetFolder></soap:Body></soap:Envelope>`;

  async function ews(mailbox: string | null) {
    const response = await fetch(`${emu.exchangeHost}/EWS/Exchange.asmx`, {
      method: "POST",
      headers: { authorization: `Bearer ${await token("https://outlook.office365.com")}`, "content-type": "text/xml; charset=utf-8", "x-anchormailbox": `UPN:${mailbox}` },
      body: getFolder(mailbox),
    });
    return { status: response.status, headers: response.headers, xml: await response.text() };
  }

  it("answers GetFolder of the impersonated mailbox's Inbox with full_access_as_app", async () => {
    await grant([{ resource: "exchange", roles: ["full_access_as_app"] }]);
    const answer = await ews(MAILBOX);
    expect(answer.status).toBe(200);
    expect(answer.xml).toMatch(/<m:GetFolderResponseMessage ResponseClass="Success"><m:ResponseCode>NoError<\/m:ResponseCode>/);
    expect(answer.xml).toMatch(/<t:FolderId Id="AAMk[\w-]+"/);
  });

  it("refuses 401 with Exchange's diagnostics when the token lacks full_access_as_app", async () => {
    await grant([{ resource: "exchange", roles: ["Exchange.ManageAsApp"] }]);
    const answer = await ews(MAILBOX);
    expect(answer.status).toBe(401);
    expect(answer.headers.get("x-ms-diagnostics")).toContain("partner application '00000002-0000-0ff1-ce00-000000000000'");
  });

  it.each([
    [null, "ErrorInvalidExchangeImpersonationHeaderData"],
    ["nobody@fabrikam.example", "ErrorNonExistentMailbox"],
  ])("answers a SOAP fault for mailbox %s: %s", async (mailbox, code) => {
    await grant([{ resource: "exchange", roles: ["full_access_as_app"] }]);
    const answer = await ews(mailbox);
    expect(answer.status).toBe(500);
    expect(answer.xml).toContain(`<e:ResponseCode xmlns:e="http://schemas.microsoft.com/exchange/services/2006/messages/errors">${code}</e:ResponseCode>`);
  });
});
