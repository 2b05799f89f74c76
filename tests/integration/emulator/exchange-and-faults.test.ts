import { ConfidentialClientApplication } from "@azure/msal-node";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";

import { DEMO_APP_ID, TENANTS, defaultScenario, startTestEmulator, type TestEmulator } from "../../support/emulator";

let emu: TestEmulator & { dispose(): Promise<void> };
let msal: ConfidentialClientApplication;

beforeAll(async () => {
  emu = await startTestEmulator({
    scenario: defaultScenario((raw) => {
      // A second consented tenant, without a directory role for the app.
      const fabrikam = raw.tenants.find((t) => t.id === TENANTS.fabrikam) as { consents?: unknown[]; exchangeNonInitialFailureRate?: number };
      fabrikam.consents = [{ clientId: DEMO_APP_ID }];
      fabrikam.exchangeNonInitialFailureRate = 1;
    }),
  });
  msal = new ConfidentialClientApplication({ auth: { clientId: DEMO_APP_ID, authority: `${emu.authorityHost}/organizations`, clientSecret: emu.secret, knownAuthorities: [emu.host] } });
});
afterAll(async () => {
  await emu?.dispose();
});
beforeEach(async () => {
  await emu.control("PUT", "/faults", { faults: [] });
});

async function token(tenant: string, resource: "graph" | "exchange"): Promise<string> {
  const scope = resource === "graph" ? "https://graph.microsoft.com/.default" : "https://outlook.office365.com/.default";
  return (await msal.acquireTokenByClientCredential({ scopes: [scope], authority: `${emu.authorityHost}/${tenant}` }))!.accessToken;
}

async function invoke(tenantSegment: string, accessToken: string, cmdlet = "Get-OrganizationConfig") {
  const response = await fetch(`${emu.exchangeHost}/adminapi/beta/${tenantSegment}/InvokeCommand`, {
    method: "POST",
    headers: {
      authorization: `Bearer ${accessToken}`,
      "content-type": "application/json",
      "X-AnchorMailbox": `UPN:SystemMailbox{bb558c35-97f1-4cb9-8ff7-d53741dc928c}@${tenantSegment}`,
    },
    body: JSON.stringify({ CmdletInput: { CmdletName: cmdlet, Parameters: {} } }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, any> };
}

describe("Exchange admin API", () => {
  it("runs Get-OrganizationConfig for an app with Exchange.ManageAsApp and a directory role, by initial domain", async () => {
    const result = await invoke("northwindtraders.onmicrosoft.com", await token(TENANTS.northwind, "exchange"));
    expect(result.status).toBe(200);
    expect(result.body.value[0]).toMatchObject({ Name: "northwindtraders", Guid: TENANTS.northwind });
  });

  it("lists mailboxes with Get-Mailbox and on-prem ones as mail users with Get-Recipient", async () => {
    const accessToken = await token(TENANTS.northwind, "exchange");
    const typesOf = (value: { UserPrincipalName: string; RecipientTypeDetails: string }[]) => Object.fromEntries(value.map((m) => [m.UserPrincipalName, m.RecipientTypeDetails]));
    const mailboxes = typesOf((await invoke("northwindtraders.onmicrosoft.com", accessToken, "Get-Mailbox")).body.value);
    expect(mailboxes["joni@northwind.example"]).toBe("UserMailbox");
    expect(mailboxes["pradeep@northwind.example"]).toBeUndefined();
    const recipients = typesOf((await invoke("northwindtraders.onmicrosoft.com", accessToken, "Get-Recipient")).body.value);
    expect(recipients["pradeep@northwind.example"]).toBe("MailUser");
    expect(recipients["joni@northwind.example"]).toBe("UserMailbox");
  });

  it("answers 401 when the token lacks Exchange.ManageAsApp", async () => {
    const result = await invoke("woodgrovebank.onmicrosoft.com", await token(TENANTS.woodgrove, "exchange"));
    expect(result.status).toBe(401);
    expect(result.body.error.code).toBe("UnAuthorized");
  });

  it("answers 403 when the service principal holds no directory role", async () => {
    const result = await invoke("fabrikam.onmicrosoft.com", await token(TENANTS.fabrikam, "exchange"));
    expect(result.status).toBe(403);
    expect(result.body.error.message).toMatch(/isn't supported in this scenario/);
  });

  it("refuses a Graph token", async () => {
    const result = await invoke("northwindtraders.onmicrosoft.com", await token(TENANTS.northwind, "graph"));
    expect(result.status).toBe(401);
  });

  it("fails for a flaky tenant addressed by GUID or another domain, and works by initial domain", async () => {
    await emu.control("PUT", `/tenants/${TENANTS.fabrikam}/servicePrincipals/${DEMO_APP_ID}`, {
      grants: [{ resource: "exchange", roles: ["Exchange.ManageAsApp"] }],
      directoryRoles: ["Exchange Administrator"],
    });
    const t = await token(TENANTS.fabrikam, "exchange");
    expect((await invoke(TENANTS.fabrikam, t)).status).toBe(401);
    expect((await invoke("fabrikam.example", t)).status).toBe(401);
    expect((await invoke("fabrikam.onmicrosoft.com", t)).status).toBe(200);
  });

  it("rejects an unsupported cmdlet", async () => {
    const result = await invoke("northwindtraders.onmicrosoft.com", await token(TENANTS.northwind, "exchange"), "Remove-Mailbox");
    expect(result.status).toBe(400);
  });
});

describe("fault injection", () => {
  async function org(tenant: string = TENANTS.northwind, signal?: AbortSignal) {
    return fetch(`${emu.graphHost}/v1.0/organization`, { headers: { authorization: `Bearer ${await token(tenant, "graph")}` }, signal });
  }

  it("adds latency", async () => {
    await token(TENANTS.northwind, "graph"); // cached before timing
    await emu.control("PUT", "/faults", { faults: [{ endpoint: "graph", kind: "latency", latencyMs: 300 }] });
    const started = performance.now();
    expect((await org()).status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
  });

  it("holds a $batch's answer for its own latency plus its slowest inner request's", async () => {
    const bearer = await token(TENANTS.northwind, "graph");
    await emu.control("PUT", "/faults", {
      faults: [
        { endpoint: "batch", kind: "latency", latencyMs: 150 },
        { endpoint: "graph", kind: "latency", latencyMs: 150 },
      ],
    });
    const started = performance.now();
    const response = await fetch(`${emu.graphHost}/v1.0/$batch`, {
      method: "POST",
      headers: { authorization: `Bearer ${bearer}`, "content-type": "application/json" },
      body: JSON.stringify({ requests: [{ id: "1", method: "GET", url: "/organization" }, { id: "2", method: "GET", url: "/domains" }] }),
    });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { responses: { status: number }[] }).responses.map((r) => r.status)).toEqual([200, 200]);
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
  });

  it("throttles with 429 and a fractional Retry-After, then lets requests through", async () => {
    await emu.control("PUT", "/faults", { faults: [{ endpoint: "graph", kind: "throttle", retryAfterSeconds: 0.5, times: 1 }] });
    const throttled = await org();
    expect(throttled.status).toBe(429);
    expect(throttled.headers.get("retry-after")).toBe("0.5");
    expect(((await throttled.json()) as Record<string, any>).error.code).toBe("TooManyRequests");
    expect((await org()).status).toBe(200);
  });

  it.each([500, 503] as const)("answers %i", async (status) => {
    await emu.control("PUT", "/faults", { faults: [{ endpoint: "graph", kind: "error", status }] });
    expect((await org()).status).toBe(status);
  });

  it("resets the connection", async () => {
    await token(TENANTS.northwind, "graph");
    await emu.control("PUT", "/faults", { faults: [{ endpoint: "graph", kind: "reset" }] });
    await expect(org()).rejects.toThrow();
  });

  it("hangs until the client gives up", async () => {
    await token(TENANTS.northwind, "graph");
    await emu.control("PUT", "/faults", { faults: [{ endpoint: "graph", kind: "hang" }] });
    await expect(org(TENANTS.northwind, AbortSignal.timeout(300))).rejects.toThrow(/aborted|timeout/i);
  });

  it("sends malformed JSON", async () => {
    await emu.control("PUT", "/faults", { faults: [{ endpoint: "graph", kind: "malformed" }] });
    const response = await org();
    expect(response.status).toBe(200);
    await expect(response.json()).rejects.toThrow();
  });

  it("targets one tenant only", async () => {
    await emu.control("PUT", "/faults", { faults: [{ endpoint: "graph", kind: "error", status: 503, tenant: "northwind.example" }] });
    expect((await org(TENANTS.northwind)).status).toBe(503);
    expect((await org(TENANTS.woodgrove)).status).toBe(200);
  });

  it("fires at the given rate", async () => {
    await emu.control("PUT", "/faults", { faults: [{ endpoint: "graph", kind: "error", status: 500, rate: 0.5 }] });
    const statuses = [];
    for (let i = 0; i < 200; i++) statuses.push((await org()).status);
    const failures = statuses.filter((s) => s === 500).length;
    // Binomial(200, 0.5): outside 60..140 has probability below 1e-8.
    expect(failures).toBeGreaterThan(60);
    expect(failures).toBeLessThan(140);
  });

  it("throttles requests inside a $batch one by one", async () => {
    await emu.control("PUT", "/faults", { faults: [{ endpoint: "graph", kind: "throttle", retryAfterSeconds: 1.5, times: 1 }] });
    const response = await fetch(`${emu.graphHost}/v1.0/$batch`, {
      method: "POST",
      headers: { authorization: `Bearer ${await token(TENANTS.northwind, "graph")}`, "content-type": "application/json" },
      body: JSON.stringify({ requests: [{ id: "a", method: "GET", url: "/organization" }, { id: "b", method: "GET", url: "/domains" }] }),
    });
    const body = (await response.json()) as { responses: { id: string; status: number; headers: Record<string, string> }[] };
    const throttled = body.responses.filter((r) => r.status === 429);
    expect(throttled).toHaveLength(1);
    expect(throttled[0]!.headers["retry-after"]).toBe("1.5");
    expect(body.responses.filter((r) => r.status === 200)).toHaveLength(1);
  });

  it("throttles the token endpoint in the identity platform's shape", async () => {
    await emu.control("PUT", "/faults", { faults: [{ endpoint: "token", kind: "throttle", retryAfterSeconds: 2 }] });
    const response = await fetch(`${emu.authorityHost}/${TENANTS.northwind}/oauth2/v2.0/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ grant_type: "client_credentials", client_id: DEMO_APP_ID, client_secret: emu.secret, scope: "https://graph.microsoft.com/.default" }),
    });
    expect(response.status).toBe(429);
    expect(response.headers.get("retry-after")).toBe("2");
    expect(((await response.json()) as Record<string, unknown>).error_codes).toEqual([50196]);
  });

  it("validates faults sent to the control endpoint and names the bad field", async () => {
    const response = await emu.control("PUT", "/faults", { faults: [{ endpoint: "graph", kind: "latency" }] });
    expect(response.status).toBe(422);
    expect(JSON.stringify(await response.json())).toContain("latencyMs");
  });
});
