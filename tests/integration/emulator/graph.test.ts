import { ConfidentialClientApplication } from "@azure/msal-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { DEMO_APP_ID, TENANTS, defaultScenario, startTestEmulator, type TestEmulator } from "../../support/emulator";

let emu: TestEmulator & { dispose(): Promise<void> };
let msal: ConfidentialClientApplication;

beforeAll(async () => {
  // Fabrikam gets 250 users here so paging has something to page through.
  emu = await startTestEmulator({
    scenario: defaultScenario((raw) => {
      const fabrikam = raw.tenants.find((t) => t.id === TENANTS.fabrikam) as { users: unknown[]; consents?: unknown[] };
      for (let i = 0; i < 250; i++) {
        fabrikam.users.push({ id: `b2000000-0000-4000-8000-${String(1000 + i).padStart(12, "0")}`, userPrincipalName: `user${i}@fabrikam.example`, displayName: `User ${i}` });
      }
      fabrikam.consents = [{ clientId: DEMO_APP_ID }];
    }),
  });
  msal = new ConfidentialClientApplication({ auth: { clientId: DEMO_APP_ID, authority: `${emu.authorityHost}/organizations`, clientSecret: emu.secret, knownAuthorities: [emu.host] } });
});
afterAll(async () => {
  await emu?.dispose();
});

async function graphToken(tenant: string): Promise<string> {
  const result = await msal.acquireTokenByClientCredential({ scopes: ["https://graph.microsoft.com/.default"], authority: `${emu.authorityHost}/${tenant}` });
  return result!.accessToken;
}

async function graph(tenant: string | null, path: string, init: RequestInit = {}) {
  const headers: Record<string, string> = { ...(init.headers as Record<string, string>) };
  if (tenant) headers.authorization = `Bearer ${await graphToken(tenant)}`;
  const response = await fetch(`${emu.graphHost}${path}`, { ...init, headers });
  return { status: response.status, headers: response.headers, body: (await response.json()) as Record<string, any> };
}

function expectGraphError(body: Record<string, any>, code: string) {
  expect(body.error.code).toBe(code);
  expect(typeof body.error.message).toBe("string");
  expect(body.error.innerError).toMatchObject({ "request-id": expect.stringMatching(/^[0-9a-f-]{36}$/), date: expect.any(String), "client-request-id": expect.any(String) });
}

describe("Graph v1.0 in the sandbox", () => {
  it("returns the tenant's organization with verified, initial and default domains", async () => {
    const { status, body, headers } = await graph(TENANTS.northwind, "/v1.0/organization");
    expect(status).toBe(200);
    expect(headers.get("request-id")).toMatch(/^[0-9a-f-]{36}$/);
    const org = body.value[0];
    expect(org).toMatchObject({ id: TENANTS.northwind, displayName: "Northwind Traders (hybrid Exchange)" });
    expect(org.verifiedDomains).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: "northwindtraders.onmicrosoft.com", isInitial: true, isDefault: false }),
        expect.objectContaining({ name: "northwind.example", isInitial: false, isDefault: true }),
      ]),
    );
  });

  it("refuses /organization to a token without Organization.Read.All with 403 in Graph's error shape", async () => {
    await emu.control("PUT", `/tenants/${TENANTS.tailspin}/servicePrincipals/${DEMO_APP_ID}`, { grants: [{ resource: "graph", roles: ["User.Read.All"] }] });
    const { status, body } = await graph(TENANTS.tailspin, "/v1.0/organization");
    expect(status).toBe(403);
    expectGraphError(body, "Authorization_RequestDenied");
    expect(body.error.message).toBe("Insufficient privileges to complete the operation.");
  });

  it("refuses a token lacking the role with 403 in Graph's error shape", async () => {
    const { status, body } = await graph(TENANTS.woodgrove, "/v1.0/domains");
    expect(status).toBe(403);
    expectGraphError(body, "Authorization_RequestDenied");
  });

  it.each([
    ["no token", null, {}],
    ["a token that is not a JWT", null, { authorization: "Bearer not-a-token" }],
    ["a token signed by someone else", null, { authorization: "Bearer eyJhbGciOiJSUzI1NiJ9.eyJ0aWQiOiJ4In0.c2lnbmF0dXJl" }],
  ])("answers 401 InvalidAuthenticationToken for %s", async (_name, tenant, headers) => {
    const { status, body } = await graph(tenant, "/v1.0/organization", { headers });
    expect(status).toBe(401);
    expectGraphError(body, "InvalidAuthenticationToken");
  });

  it("refuses a token it issued once its claims are altered, though the untouched token passes", async () => {
    const token = await graphToken(TENANTS.northwind);
    const [header, claims, signature] = token.split(".");
    const altered = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(claims!, "base64url").toString()), roles: ["Directory.ReadWrite.All"] })).toString("base64url");
    const forged = await graph(null, "/v1.0/organization", { headers: { authorization: `Bearer ${header}.${altered}.${signature}` } });
    expect(forged.status).toBe(401);
    expect(forged.body.error.message).toMatch(/Invalid signature/);
    const genuine = await graph(null, "/v1.0/organization", { headers: { authorization: `Bearer ${token}` } });
    expect(genuine.status).toBe(200);
  });

  it("refuses an Exchange token at Graph (wrong audience)", async () => {
    const exchange = await msal.acquireTokenByClientCredential({ scopes: ["https://outlook.office365.com/.default"], authority: `${emu.authorityHost}/${TENANTS.northwind}` });
    const { status, body } = await graph(null, "/v1.0/organization", { headers: { authorization: `Bearer ${exchange!.accessToken}` } });
    expect(status).toBe(401);
    expect(body.error.message).toMatch(/Invalid audience/);
  });

  it("pages users with $top and @odata.nextLink, honouring $select", async () => {
    const first = await graph(TENANTS.fabrikam, "/v1.0/users?$top=100&$select=id,userPrincipalName");
    expect(first.body.value).toHaveLength(100);
    expect(Object.keys(first.body.value[0]).sort()).toEqual(["id", "userPrincipalName"]);
    const seen = new Set<string>(first.body.value.map((u: { id: string }) => u.id));
    let next: string | undefined = first.body["@odata.nextLink"];
    expect(next).toMatch(new RegExp(`^${emu.graphHost}/v1.0/users\\?`));
    while (next) {
      const page = await graph(TENANTS.fabrikam, new URL(next).pathname + new URL(next).search);
      for (const u of page.body.value) seen.add(u.id);
      next = page.body["@odata.nextLink"];
    }
    expect(seen.size).toBe(253);
  });

  it("rejects an invalid $top", async () => {
    const { status, body } = await graph(TENANTS.fabrikam, "/v1.0/users?$top=0");
    expect(status).toBe(400);
    expectGraphError(body, "Request_BadRequest");
  });

  it("finds a user by id or UPN, and 404s an unknown one", async () => {
    expect((await graph(TENANTS.fabrikam, "/v1.0/users/adele@fabrikam.example")).body.id).toBe("b2000000-0000-4000-8000-000000000002");
    expect((await graph(TENANTS.fabrikam, "/v1.0/users/b2000000-0000-4000-8000-000000000002")).body.userPrincipalName).toBe("adele@fabrikam.example");
    const missing = await graph(TENANTS.fabrikam, "/v1.0/users/nobody@fabrikam.example");
    expect(missing.status).toBe(404);
    expectGraphError(missing.body, "Request_ResourceNotFound");
  });

  it.each(["messages", "events", "contacts"])("reads %s of a cloud mailbox", async (kind) => {
    const { status, body } = await graph(TENANTS.northwind, `/v1.0/users/joni@northwind.example/${kind}?$top=1&$select=id`);
    expect(status).toBe(200);
    expect(body.value).toHaveLength(1);
    expect(Object.keys(body.value[0])).toEqual(["id"]);
  });

  it.each([
    ["retired", "The mailbox is either inactive, soft-deleted, or is hosted on-premise."],
    ["pre-2023", "REST API is not yet supported for this mailbox."],
  ])("answers MailboxNotEnabledForRESTAPI for a user without a mailbox or without a licence (hybrid REST %s)", async (era, text) => {
    const none = await startTestEmulator({
      scenario: defaultScenario((raw) => {
        const t = raw.tenants.find((x) => x.id === TENANTS.northwind) as { users: { userPrincipalName: string; mailbox?: string; licensed?: boolean }[]; hybrid: { restApi?: string } };
        const user = (upn: string) => t.users.find((u) => u.userPrincipalName === upn)!;
        user("joni@northwind.example").mailbox = "none";
        user("pradeep@northwind.example").licensed = false;
        user("pradeep@northwind.example").mailbox = "cloud";
        t.hybrid.restApi = era;
      }),
    });
    try {
      const client = new ConfidentialClientApplication({ auth: { clientId: DEMO_APP_ID, authority: `${none.authorityHost}/organizations`, clientSecret: none.secret, knownAuthorities: [none.host] } });
      const token = (await client.acquireTokenByClientCredential({ scopes: ["https://graph.microsoft.com/.default"], authority: `${none.authorityHost}/${TENANTS.northwind}` }))!.accessToken;
      for (const upn of ["joni@northwind.example", "pradeep@northwind.example"]) {
        const response = await fetch(`${none.graphHost}/v1.0/users/${upn}/messages?$top=1`, { headers: { authorization: `Bearer ${token}` } });
        expect(response.status).toBe(404);
        const answer = (await response.json()) as Record<string, any>;
        expectGraphError(answer, "MailboxNotEnabledForRESTAPI");
        expect(answer.error.message).toBe(text);
      }
    } finally {
      await none.dispose();
    }
  });

  it.each(["messages", "events", "contacts", "mailboxSettings"])("answers today's 404 for an on-prem mailbox's %s, whatever the on-prem server's state", async (kind) => {
    const { status, headers, body } = await graph(TENANTS.northwind, `/v1.0/users/pradeep@northwind.example/${kind}`);
    expect(status).toBe(404);
    expectGraphError(body, "MailboxNotEnabledForRESTAPI");
    expect(body.error.message).toBe("The mailbox is either inactive, soft-deleted, or is hosted on-premise.");
    expect(headers.get("x-ms-diagnostics")).toBeNull();
  });

  it("walks a pre-2023 hybrid on-prem mailbox through its three states: Graph says 500, the on-prem IIS log says why", async () => {
    const path = "/v1.0/users/pradeep@northwind.example/messages?$top=1";
    const iisLog = async () => {
      const response = await emu.control("GET", `/tenants/${TENANTS.northwind}/iis-log`);
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toMatch(/^text\/plain/);
      return (await response.text()).split("\n").filter((l) => l && !l.startsWith("#"));
    };
    const before = (await iisLog()).length;
    expect((await emu.control("PATCH", `/tenants/${TENANTS.northwind}`, { hybrid: { restApi: "pre-2023" } })).status).toBe(200);
    try {
      const unfixed = await graph(TENANTS.northwind, path);
      expect(unfixed.status).toBe(500);
      expectGraphError(unfixed.body, "UnknownError");
      expect(unfixed.headers.get("x-ms-diagnostics")).toBeNull();
      let lines = await iisLog();
      expect(lines).toHaveLength(before + 1);
      expect(lines.at(-1)).toContain(" 401 ");
      expect(lines.at(-1)).toContain(`"2000001;reason=""This token profile 'V1S2SAppOnly' is not applicable for the current protocol."";error_category=""invalid_token"""`);
      expect(lines.at(-1)).toContain('"Bearer client_id=""00000002-0000-0ff1-ce00-000000000000""');

      await emu.control("PATCH", `/tenants/${TENANTS.northwind}`, { hybrid: { v1s2sAppOnlyProfile: true } });
      const halfFixed = await graph(TENANTS.northwind, path);
      expect(halfFixed.status).toBe(500);
      expectGraphError(halfFixed.body, "UnknownError");
      expect(halfFixed.headers.get("x-ms-diagnostics")).toBeNull();
      lines = await iisLog();
      expect(lines).toHaveLength(before + 2);
      expect(lines.at(-1)).toContain("2000008;reason=\"\"The token should have valid permissions or linked account associated with partner application '00000003-0000-0000-c000-000000000000'.");

      await emu.control("PATCH", `/tenants/${TENANTS.northwind}`, { hybrid: { partnerAppOnlyPermissions: true } });
      const fixed = await graph(TENANTS.northwind, path);
      expect(fixed.status).toBe(200);
      expect(await iisLog()).toHaveLength(before + 2);
    } finally {
      await emu.control("PATCH", `/tenants/${TENANTS.northwind}`, { hybrid: { v1s2sAppOnlyProfile: false, partnerAppOnlyPermissions: false, restApi: "retired" } });
    }
  });

  it("denies mailbox reads without Mail.Read with ErrorAccessDenied", async () => {
    const { status, body } = await graph(TENANTS.woodgrove, "/v1.0/users/lynne@woodgrove.example/messages?$top=1");
    expect(status).toBe(403);
    expectGraphError(body, "ErrorAccessDenied");
  });

  it("finds the app's service principal and what was granted to it", async () => {
    const sps = await graph(TENANTS.woodgrove, `/v1.0/servicePrincipals?$filter=appId eq '${DEMO_APP_ID}'`);
    // Woodgrove's older consent did not include Application.Read.All.
    expect(sps.status).toBe(403);
    const northwind = await graph(TENANTS.northwind, `/v1.0/servicePrincipals?$filter=appId eq '${DEMO_APP_ID}'`);
    expect(northwind.body.value).toHaveLength(1);
    const sp = northwind.body.value[0];
    expect(sp).toMatchObject({ appId: DEMO_APP_ID, displayName: "Consentry Demo App" });
    const assignments = await graph(TENANTS.northwind, `/v1.0/servicePrincipals/${sp.id}/appRoleAssignments`);
    const ids = assignments.body.value.map((a: { appRoleId: string }) => a.appRoleId);
    expect(ids).toContain("810c84a8-4a9e-49e6-bf7d-12d183f40d01"); // Mail.Read
    expect(ids).toContain("dc50a0fb-09a3-484d-be87-e023b12c6440"); // Exchange.ManageAsApp
    expect(assignments.body.value[0]).toMatchObject({ principalId: sp.id, principalType: "ServicePrincipal" });
    const byAppId = await graph(TENANTS.northwind, `/v1.0/servicePrincipals(appId='${DEMO_APP_ID}')/appRoleAssignments`);
    expect(byAppId.body.value.map((a: { appRoleId: string }) => a.appRoleId).sort()).toEqual([...ids].sort());
  });

  it("lists users with their licences", async () => {
    const { body } = await graph(TENANTS.northwind, "/v1.0/users?$select=userPrincipalName,assignedLicenses");
    expect(body.value[0].assignedLicenses).toEqual([{ disabledPlans: [], skuId: expect.any(String) }]);
  });
});

describe("Graph JSON batching", () => {
  it("answers each request as if sent alone, with its own status", async () => {
    const token = await graphToken(TENANTS.woodgrove);
    const response = await fetch(`${emu.graphHost}/v1.0/$batch`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({
        requests: [
          { id: "1", method: "GET", url: "/organization" },
          { id: "2", method: "GET", url: "/domains" },
          { id: "3", method: "GET", url: "users?$top=1&$select=id,userPrincipalName" },
        ],
      }),
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { responses: { id: string; status: number; body: Record<string, any> }[] };
    const byId = Object.fromEntries(body.responses.map((r) => [r.id, r]));
    expect(byId["1"]!.status).toBe(200);
    expect(byId["2"]!.status).toBe(403);
    expectGraphError(byId["2"]!.body, "Authorization_RequestDenied");
    expect(byId["3"]!.body.value).toHaveLength(1);
  });

  it("answers 401 InvalidAuthenticationToken for every request of a batch sent with a bad token", async () => {
    const response = await fetch(`${emu.graphHost}/v1.0/$batch`, {
      method: "POST",
      headers: { authorization: "Bearer eyJhbGciOiJSUzI1NiJ9.eyJ0aWQiOiJ4In0.c2lnbmF0dXJl", "content-type": "application/json" },
      body: JSON.stringify({ requests: [{ id: "1", method: "GET", url: "/organization" }, { id: "2", method: "GET", url: "/domains" }] }),
    });
    const body = (await response.json()) as { responses: { id: string; status: number; body: Record<string, any> }[] };
    expect(body.responses.map((r) => r.status)).toEqual([401, 401]);
    for (const r of body.responses) expectGraphError(r.body, "InvalidAuthenticationToken");
  });

  it("refuses more than 20 requests", async () => {
    const token = await graphToken(TENANTS.northwind);
    const requests = Array.from({ length: 21 }, (_, i) => ({ id: String(i), method: "GET", url: "/organization" }));
    const response = await fetch(`${emu.graphHost}/v1.0/$batch`, { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: JSON.stringify({ requests }) });
    expect(response.status).toBe(400);
    expectGraphError((await response.json()) as Record<string, any>, "BadRequest");
  });

  it("refuses a malformed batch body", async () => {
    const token = await graphToken(TENANTS.northwind);
    const response = await fetch(`${emu.graphHost}/v1.0/$batch`, { method: "POST", headers: { authorization: `Bearer ${token}` }, body: "{not json" });
    expect(response.status).toBe(400);
  });
});
