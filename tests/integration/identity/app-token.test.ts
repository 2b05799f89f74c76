import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";

import { acquireAppToken } from "@/lib/identity/app-token";
import { IdentityError } from "@/lib/identity/identity-error";
import { getTenantMsalClient, MAX_TENANT_CLIENTS, resetMsalClientForTests, tenantClientKeys } from "@/lib/identity/msal-client";
import { TENANTS, type TestEmulator } from "../../support/emulator";
import { startPortalOnEmulator } from "../../support/portal-on-emulator";

let emu: TestEmulator & { dispose(): Promise<void> };
/** Adatum, consented in the demo scenario like Northwind and Woodgrove. */
const ADATUM = "7e1a3b6c-9d8f-4eab-8b2c-6f7a8b9c0d06";
const counts = () => Object.fromEntries(emu.state.requestCounts) as Record<string, number | undefined>;

beforeAll(async () => {
  emu = await startPortalOnEmulator();
});
afterAll(async () => {
  await emu.dispose();
});
beforeEach(async () => {
  resetMsalClientForTests();
  emu.state.requestCounts.clear();
  await emu.control("PUT", "/faults", { faults: [] });
});

describe("acquireAppToken with a client per tenant", () => {
  it("reads the authority metadata once for every tenant, and sends each token request to its tenant", async () => {
    const tenants = [TENANTS.northwind, TENANTS.woodgrove, ADATUM];
    const tokens = await Promise.all(tenants.map((t) => acquireAppToken(t, "graph")));
    expect(tokens.map((t) => t.claims.tid)).toEqual(tenants);
    expect(counts()).toMatchObject({ metadata: 1, token: 3 });
    expect(tenantClientKeys().sort()).toEqual([...tenants].sort());
  });

  it("reuses a tenant's cached token and keeps tenants' tokens apart", async () => {
    const first = await acquireAppToken(TENANTS.woodgrove, "graph");
    const again = await acquireAppToken(TENANTS.woodgrove.toUpperCase(), "graph");
    const exchange = await acquireAppToken(TENANTS.woodgrove, "exchange");
    const other = await acquireAppToken(TENANTS.northwind, "graph");
    expect(again.accessToken).toBe(first.accessToken);
    expect(exchange.accessToken).not.toBe(first.accessToken);
    expect(other.claims.tid).toBe(TENANTS.northwind);
    expect(counts().token).toBe(3);
    const fresh = await acquireAppToken(TENANTS.woodgrove, "graph", { fresh: true });
    expect(fresh.accessToken).not.toBe(first.accessToken);
  });

  it("says which metadata could not be read, and reads it again on the next token", async () => {
    await emu.control("PUT", "/faults", { faults: [{ endpoint: "metadata", kind: "error", status: 503, times: 1 }] });
    const failure = await acquireAppToken(TENANTS.northwind, "graph").catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(IdentityError);
    expect((failure as IdentityError).failure.error).toBe("endpoints_resolution_error");
    expect((failure as IdentityError).message).toContain(`${emu.authorityHost}/organizations/v2.0/.well-known/openid-configuration could not be read (HTTP 503)`);
    const token = await acquireAppToken(TENANTS.northwind, "graph");
    expect(token.claims.tid).toBe(TENANTS.northwind);
    expect(counts().metadata).toBe(2);
  });

  it("answers an unknown tenant with the platform's tenant-not-found error", async () => {
    const failure = await acquireAppToken("0badc0de-0000-4000-8000-000000000000", "graph").catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(IdentityError);
    expect((failure as IdentityError).failure.aadsts).toBe(90002);
  });

  it("keeps the most recently used clients, dropping the least recently used beyond the limit", async () => {
    const first = "10000000-0000-4000-8000-000000000000";
    const second = "20000000-0000-4000-8000-000000000000";
    await getTenantMsalClient(first);
    await getTenantMsalClient(second);
    await getTenantMsalClient(first); // used again: now the most recent
    for (let i = 0; i < MAX_TENANT_CLIENTS - 1; i++) await getTenantMsalClient(`30000000-0000-4000-8000-${String(i).padStart(12, "0")}`);
    const kept = tenantClientKeys();
    expect(kept).toHaveLength(MAX_TENANT_CLIENTS);
    expect(kept).toContain(first);
    expect(kept).not.toContain(second);
    expect(counts().metadata).toBe(1);
  });
});
