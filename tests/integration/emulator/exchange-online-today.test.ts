import { ConfidentialClientApplication } from "@azure/msal-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { DEMO_APP_ID, TENANTS, defaultScenario, startTestEmulator, type TestEmulator } from "../../support/emulator";

// The demo scenario's tenants added for today's Exchange Online diagnoses.
const T = {
  allPass: "c1000001-7a1e-4c0d-9e2b-5d0c0ffee001",
  ewsNotListed: "c1000002-7a1e-4c0d-9e2b-5d0c0ffee002",
  rbac: "c1000003-7a1e-4c0d-9e2b-5d0c0ffee003",
  disabled: "c1000004-7a1e-4c0d-9e2b-5d0c0ffee004",
  conditionalAccess: "c1000005-7a1e-4c0d-9e2b-5d0c0ffee005",
  noExchange: "c1000006-7a1e-4c0d-9e2b-5d0c0ffee006",
  softDeleted: "c1000007-7a1e-4c0d-9e2b-5d0c0ffee007",
  proseware: "8f2b4c7d-0e9a-4fbc-9c3d-7a8b9c0d1e07",
};
const GRAPH = "https://graph.microsoft.com/.default";
const EXCHANGE = "https://outlook.office365.com/.default";

let emu: TestEmulator & { dispose(): Promise<void> };
let msal: ConfidentialClientApplication;

beforeAll(async () => {
  emu = await startTestEmulator({
    scenario: defaultScenario((raw) => {
      // Proseware's inactive mailbox, for Get-Mailbox -InactiveMailboxOnly without its throttling fault.
      raw.faults = [];
    }),
  });
  msal = new ConfidentialClientApplication({ auth: { clientId: DEMO_APP_ID, authority: `${emu.authorityHost}/organizations`, clientSecret: emu.secret, knownAuthorities: [emu.host] } });
});
afterAll(async () => {
  await emu?.dispose();
});

async function token(tenant: string, scope: string): Promise<string> {
  return (await msal.acquireTokenByClientCredential({ scopes: [scope], authority: `${emu.authorityHost}/${tenant}` }))!.accessToken;
}

async function rawToken(tenant: string, scope: string) {
  const response = await fetch(`${emu.authorityHost}/${tenant}/oauth2/v2.0/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ client_id: DEMO_APP_ID, client_secret: emu.secret, scope, grant_type: "client_credentials" }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, any> };
}

async function graph(tenant: string, path: string) {
  const response = await fetch(`${emu.graphHost}${path}`, { headers: { authorization: `Bearer ${await token(tenant, GRAPH)}` } });
  return { status: response.status, body: (await response.json()) as Record<string, any> };
}

async function invoke(tenant: string, domain: string, cmdlet: string, parameters: Record<string, unknown> = {}) {
  const response = await fetch(`${emu.exchangeHost}/adminapi/beta/${domain}/InvokeCommand`, {
    method: "POST",
    headers: { authorization: `Bearer ${await token(tenant, EXCHANGE)}`, "content-type": "application/json" },
    body: JSON.stringify({ CmdletInput: { CmdletName: cmdlet, Parameters: parameters } }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, any> };
}

function getFolder(mailbox: string): string {
  return `<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types" xmlns:m="http://schemas.microsoft.com/exchange/services/2006/messages"><soap:Header><t:RequestServerVersion Version="Exchange2016"/><t:ExchangeImpersonation><t:ConnectingSID><t:SmtpAddress>${mailbox}</t:SmtpAddress></t:ConnectingSID></t:ExchangeImpersonation></soap:Header><soap:Body><m:GetFolder><m:FolderShape><t:BaseShape>IdOnly</t:BaseShape></m:FolderShape><m:FolderIds><t:DistinguishedFolderId Id="inbox"/></m:FolderIds></m:GetFolder></soap:Body></soap:Envelope>`;
}

async function ews(tenant: string, mailbox: string) {
  const response = await fetch(`${emu.exchangeHost}/EWS/Exchange.asmx`, {
    method: "POST",
    headers: { authorization: `Bearer ${await token(tenant, EXCHANGE)}`, "content-type": "text/xml; charset=utf-8" },
    body: getFolder(mailbox),
  });
  return { status: response.status, reason: response.headers.get("x-ews-policy-reason"), text: await response.text() };
}

describe("mailboxes Graph does not serve today", () => {
  it("answers a soft-deleted mailbox 404 MailboxNotEnabledForRESTAPI with today's text", async () => {
    const { status, body } = await graph(T.softDeleted, "/v1.0/users/former@vanarsdel.onmicrosoft.com/messages?$top=1");
    expect(status).toBe(404);
    expect(body.error).toMatchObject({ code: "MailboxNotEnabledForRESTAPI", message: "The mailbox is either inactive, soft-deleted, or is hosted on-premise." });
  });

  it("answers an inactive mailbox the same way", async () => {
    const { status, body } = await graph(T.proseware, "/v1.0/users/gone@proseware.onmicrosoft.com/events?$top=1");
    expect(status).toBe(404);
    expect(body.error.message).toBe("The mailbox is either inactive, soft-deleted, or is hosted on-premise.");
  });

  it("serves every mailbox workload in the tenant where everything passes", async () => {
    for (const kind of ["messages", "events", "contacts", "mailboxSettings"]) {
      expect((await graph(T.allPass, `/v1.0/users/ada@alpineskihouse.onmicrosoft.com/${kind}`)).status).toBe(200);
    }
  });
});

describe("Exchange RBAC for Applications", () => {
  it("lets an app without the Entra role read in-scope mailboxes and refuses the others with ErrorAccessDenied", async () => {
    for (const kind of ["messages", "events", "contacts", "mailboxSettings"]) {
      expect((await graph(T.rbac, `/v1.0/users/barista@fourthcoffee.onmicrosoft.com/${kind}`)).status).toBe(200);
      const outside = await graph(T.rbac, `/v1.0/users/fiona@fourthcoffee.onmicrosoft.com/${kind}`);
      expect(outside.status).toBe(403);
      expect(outside.body.error.code).toBe("ErrorAccessDenied");
    }
  });

  it("does not narrow an unscoped Entra grant: with Mail.Read in the token every mailbox is readable", async () => {
    await emu.control("PATCH", `/tenants/${T.allPass}`, {
      exchange: { applicationRbac: [{ clientId: DEMO_APP_ID, permission: "Mail.Read", mailboxes: ["sam@alpineskihouse.onmicrosoft.com"] }] },
    });
    try {
      expect((await graph(T.allPass, "/v1.0/users/ada@alpineskihouse.onmicrosoft.com/messages")).status).toBe(200);
    } finally {
      await emu.control("PATCH", `/tenants/${T.allPass}`, { exchange: { applicationRbac: [] } });
    }
  });

  it("answers Test-ServicePrincipalAuthorization with the assignment's role, permission, scope and whether the mailbox is in scope", async () => {
    const inScope = await invoke(T.rbac, "fourthcoffee.onmicrosoft.com", "Test-ServicePrincipalAuthorization", { Identity: DEMO_APP_ID, Resource: "barista@fourthcoffee.onmicrosoft.com" });
    expect(inScope.status).toBe(200);
    expect(inScope.body.value).toContainEqual({ RoleName: "Application Mail.Read", GrantedPermissions: "Mail.Read", AllowedResourceScope: "Shared mailboxes", ScopeType: "CustomRecipientScope", InScope: true });
    const outside = await invoke(T.rbac, "fourthcoffee.onmicrosoft.com", "Test-ServicePrincipalAuthorization", { Identity: DEMO_APP_ID, Resource: "fiona@fourthcoffee.onmicrosoft.com" });
    expect(outside.body.value.map((r: { InScope: boolean }) => r.InScope)).toEqual([false, false, false, false]);
    const none = await invoke(T.allPass, "alpineskihouse.onmicrosoft.com", "Test-ServicePrincipalAuthorization", { Identity: DEMO_APP_ID });
    expect(none.body.value).toEqual([]);
  });
});

describe("EWS in Exchange Online today", () => {
  it("answers an allow-listed app in a tenant with EwsEnabled True", async () => {
    const answer = await ews(T.allPass, "ada@alpineskihouse.onmicrosoft.com");
    expect(answer.status).toBe(200);
    expect(answer.text).toContain("NoError");
  });

  it("refuses 403 an app the tenant has not allow-listed, and every app when EwsEnabled is False or unset", async () => {
    expect(await ews(T.ewsNotListed, "cora@cohowinery.onmicrosoft.com")).toEqual({ status: 403, reason: "EWS is blocked by policy for this user or tenant", text: "" });
    for (const ewsEnabled of [false, null]) {
      await emu.control("PATCH", `/tenants/${T.allPass}`, { exchange: { ewsEnabled } });
      try {
        expect(await ews(T.allPass, "ada@alpineskihouse.onmicrosoft.com")).toEqual({ status: 403, reason: "EWS is disabled for this user or tenant", text: "" });
      } finally {
        await emu.control("PATCH", `/tenants/${T.allPass}`, { exchange: { ewsEnabled: true } });
      }
    }
  });

  it("shows EwsEnabled, and the allow list only with -RetrieveEwsOperationAccessPolicy, in Get-OrganizationConfig", async () => {
    const plain = await invoke(T.allPass, "alpineskihouse.onmicrosoft.com", "Get-OrganizationConfig");
    expect(plain.body.value[0].EwsEnabled).toBe(true);
    expect(plain.body.value[0]).not.toHaveProperty("EwsAllowedAppIDs");
    const listed = await invoke(T.allPass, "alpineskihouse.onmicrosoft.com", "Get-OrganizationConfig", { RetrieveEwsOperationAccessPolicy: true });
    expect(listed.body.value[0]).toMatchObject({ EwsEnabled: true, EwsAllowedAppIDs: DEMO_APP_ID });
    const other = await invoke(T.ewsNotListed, "cohowinery.onmicrosoft.com", "Get-OrganizationConfig", { RetrieveEwsOperationAccessPolicy: true });
    expect(other.body.value[0]).toMatchObject({ EwsEnabled: true, EwsAllowedAppIDs: "0f3e9a52-6b1d-4c8e-a7f4-2d5b8c9e1a60" });
  });
});

describe("recipients as Exchange Online shows them", () => {
  it("finds one recipient by Identity, soft-deleted ones only with IncludeSoftDeletedRecipients", async () => {
    const pradeep = await invoke(TENANTS.northwind, "northwindtraders.onmicrosoft.com", "Get-Recipient", { Identity: "pradeep@northwind.example" });
    expect(pradeep.body.value).toEqual([expect.objectContaining({ UserPrincipalName: "pradeep@northwind.example", RecipientTypeDetails: "MailUser" })]);
    const hidden = await invoke(T.softDeleted, "vanarsdel.onmicrosoft.com", "Get-Recipient", { Identity: "former@vanarsdel.onmicrosoft.com" });
    expect(hidden.status).toBe(404);
    expect(hidden.body.error.message).toBe(
      `|Microsoft.Exchange.Configuration.Tasks.ManagementObjectNotFoundException|The operation couldn't be performed because object 'former@vanarsdel.onmicrosoft.com' couldn't be found on 'C100PR01A001.PROD.OUTLOOK.COM'.`,
    );
    const shown = await invoke(T.softDeleted, "vanarsdel.onmicrosoft.com", "Get-Recipient", { Identity: "former@vanarsdel.onmicrosoft.com", IncludeSoftDeletedRecipients: true });
    expect(shown.body.value).toEqual([expect.objectContaining({ RecipientTypeDetails: "UserMailbox", IsSoftDeletedByRemove: true })]);
    expect((await invoke(T.proseware, "proseware.onmicrosoft.com", "Get-Recipient", { Identity: "gone@proseware.onmicrosoft.com" })).status).toBe(404);
    const inactive = await invoke(T.proseware, "proseware.onmicrosoft.com", "Get-Recipient", { Identity: "gone@proseware.onmicrosoft.com", IncludeSoftDeletedRecipients: "True" });
    expect(inactive.body.value).toEqual([expect.objectContaining({ RecipientTypeDetails: "UserMailbox", IsInactiveMailbox: true })]);
  });

  it("gives Get-Mailbox an Identity and the InactiveMailboxOnly / SoftDeletedMailbox switches", async () => {
    const inactive = await invoke(T.proseware, "proseware.onmicrosoft.com", "Get-Mailbox", { InactiveMailboxOnly: true });
    expect(inactive.body.value).toEqual([expect.objectContaining({ UserPrincipalName: "gone@proseware.onmicrosoft.com", RecipientTypeDetails: "UserMailbox", IsInactiveMailbox: true })]);
    const active = await invoke(T.proseware, "proseware.onmicrosoft.com", "Get-Mailbox", { Identity: "gone@proseware.onmicrosoft.com" });
    expect(active.status).toBe(404);
    expect(active.body.error.message).toContain("couldn't be found on");
    const soft = await invoke(T.softDeleted, "vanarsdel.onmicrosoft.com", "Get-Mailbox", { SoftDeletedMailbox: true, Identity: "former@vanarsdel.onmicrosoft.com" });
    expect(soft.body.value).toEqual([expect.objectContaining({ IsSoftDeletedByRemove: true })]);
    const onPrem = await invoke(TENANTS.northwind, "northwindtraders.onmicrosoft.com", "Get-Mailbox", { Identity: "pradeep@northwind.example" });
    expect(onPrem.status).toBe(404);
  });
});

describe("token endpoint refusals for the tenant's state", () => {
  it("answers AADSTS7000112 for an app disabled in the tenant", async () => {
    const { status, body } = await rawToken(T.disabled, GRAPH);
    expect(status).toBe(400);
    expect(body.error).toBe("unauthorized_client");
    expect(body.error_codes).toEqual([7000112]);
    expect(body.error_description).toMatch(new RegExp(`^AADSTS7000112: Application '${DEMO_APP_ID}'\\(Consentry Demo App\\) is disabled\\.\\r\\nTrace ID: `));
  });

  it("answers AADSTS53003 when Conditional Access for workload identities blocks the app", async () => {
    const { status, body } = await rawToken(T.conditionalAccess, GRAPH);
    expect(status).toBe(400);
    expect(body.error).toBe("interaction_required");
    expect(body.error_codes).toEqual([53003]);
    expect(body.error_description).toMatch(/^AADSTS53003: Access has been blocked by Conditional Access policies\. The access policy does not allow token issuance\.\r\n/);
  });

  it("answers AADSTS500011 for Exchange Online in a tenant without it, and still issues Graph tokens there", async () => {
    const { status, body } = await rawToken(T.noExchange, EXCHANGE);
    expect(status).toBe(400);
    expect(body.error).toBe("invalid_resource");
    expect(body.error_codes).toEqual([500011]);
    expect(body.error_description).toMatch(/^AADSTS500011: The resource principal named https:\/\/outlook\.office365\.com was not found in the tenant named Relecloud \(no Exchange Online\)\./);
    expect((await rawToken(T.noExchange, GRAPH)).status).toBe(200);
  });

  it("lets the control endpoint disable and block an app, and undo it", async () => {
    const put = (extra: Record<string, boolean>) =>
      emu.control("PUT", `/tenants/${T.allPass}/servicePrincipals/${DEMO_APP_ID}`, { grants: [{ resource: "graph", roles: ["User.Read.All"] }], directoryRoles: ["Exchange Administrator"], ...extra });
    expect((await put({ disabled: true })).status).toBe(200);
    expect((await rawToken(T.allPass, GRAPH)).body.error_codes).toEqual([7000112]);
    await put({ conditionalAccessBlocked: true });
    expect((await rawToken(T.allPass, GRAPH)).body.error_codes).toEqual([53003]);
    await put({});
    expect((await rawToken(T.allPass, GRAPH)).status).toBe(200);
  });
});

describe("PATCH /_emulator/tenants/{id} with the new fields", () => {
  it.each([
    [{ hybrid: { restApi: "2016" } }, "hybrid.restApi"],
    [{ exchange: { ewsEnabled: "yes" } }, "exchange.ewsEnabled"],
    [{ exchange: { ewsAllowedAppIds: ["my-app"] } }, "exchange.ewsAllowedAppIds.0"],
    [{ exchange: { applicationRbac: [{ clientId: DEMO_APP_ID, permission: "Mail.Sned", mailboxes: [] }] } }, "exchange.applicationRbac.0.permission"],
    [{ exchange: { applicationRbac: [{ clientId: DEMO_APP_ID, permission: "Mail.Read", mailboxes: ["ghost@alpineskihouse.onmicrosoft.com"] }] } }, "exchange.applicationRbac.0.mailboxes.0"],
    [{ exchange: { online: 0 } }, "exchange.online"],
  ])("refuses %j with 422 naming %s", async (patch, field) => {
    const response = await emu.control("PATCH", `/tenants/${T.allPass}`, patch);
    expect(response.status).toBe(422);
    const body = (await response.json()) as { issues: { path: string }[] };
    expect(body.issues.map((i) => i.path)).toContain(field);
  });

  it("refuses an unknown field and names it", async () => {
    const response = await emu.control("PATCH", `/tenants/${T.allPass}`, { exchange: { ewsEnable: true } });
    expect(response.status).toBe(422);
    expect(JSON.stringify(await response.json())).toContain("ewsEnable");
  });

  it("switches a tenant's Exchange Online off and on", async () => {
    const off = await emu.control("PATCH", `/tenants/${T.allPass}`, { exchange: { online: false } });
    expect(((await off.json()) as { exchange: { online: boolean } }).exchange.online).toBe(false);
    expect((await rawToken(T.allPass, EXCHANGE)).body.error_codes).toEqual([500011]);
    await emu.control("PATCH", `/tenants/${T.allPass}`, { exchange: { online: true } });
    expect((await rawToken(T.allPass, EXCHANGE)).status).toBe(200);
  });
});
