import { describe, expect, it } from "vitest";

import { importConsentedTenant } from "@/lib/consent/import-tenant";
import { DEFAULT_RETRY_POLICY } from "@/lib/graph/retry";
import { runTenantProbes } from "@/lib/probes/run-tenant";
import { liveProbeDeps } from "@/lib/probes/runner";
import { DEMO_APP_ID, TENANTS } from "../../support/emulator";
import { setUpPortalOnEmulator } from "../../support/portal-on-emulator";


const portal = setUpPortalOnEmulator();

async function findings(tenantId: string) {
  await importConsentedTenant(portal.database.db, "test", tenantId);
  const deps = { ...liveProbeDeps(), policy: { ...DEFAULT_RETRY_POLICY, sleep: async () => {} } };
  const { outcomes } = await runTenantProbes(portal.database.db, tenantId, { trigger: "manual" }, deps);
  return Object.fromEntries(outcomes.filter((o) => o.finding).map((o) => [o.probe, o.finding!.id]));
}

// The demo's sandbox tenants, once imported or onboarded, show every tenant-level diagnosis.
describe("the demo scenario", () => {
  it.each([
    ["Northwind: on-prem mailbox, V1S2SAppOnly missing", TENANTS.northwind, { mail: "hybrid_profile_missing", calendars: "hybrid_profile_missing", contacts: "hybrid_profile_missing" }],
    ["Adatum: on-prem mailbox, partner application without app-only permissions", "7e1a3b6c-9d8f-4eab-8b2c-6f7a8b9c0d06", { mail: "hybrid_partner_app_permissions" }],
    ["Woodgrove: consented to an older permission set", TENANTS.woodgrove, { domains: "permission_not_granted", application: "permission_not_granted", mail: "permission_not_granted", exchange: "exchange_role_missing" }],
    ["Proseware: an inactive mailbox, and Exchange throttling", "8f2b4c7d-0e9a-4fbc-9c3d-7a8b9c0d1e07", { mail: "mailbox_not_enabled", exchange: "throttled" }],
    ["Trey Research: an application access policy", "9a3c5d8e-1f0b-4acd-8d4e-8b9c0d1e2f08", { mail: "role_present_call_denied" }],
  ])("%s", async (_name, tenantId, expected) => {
    expect(await findings(tenantId)).toMatchObject(expected);
  });

  it("Fabrikam after a fresh consent: Exchange needs a directory role", async () => {
    await portal.emu.control("PUT", `/tenants/${TENANTS.fabrikam}/servicePrincipals/${DEMO_APP_ID}`, {
      grants: [
        { resource: "graph", roles: ["Organization.Read.All", "Domain.Read.All", "User.Read.All", "Application.Read.All", "Mail.Read", "Calendars.Read", "Contacts.Read"] },
        { resource: "exchange", roles: ["Exchange.ManageAsApp"] },
      ],
    });
    expect(await findings(TENANTS.fabrikam)).toEqual({ exchange: "exchange_directory_role_missing" });
  });

  it("refuses to import a tenant that never consented, and one that is not a GUID", async () => {
    await expect(importConsentedTenant(portal.database.db, "test", TENANTS.tailspin)).rejects.toMatchObject({ code: "not_consented" });
    await expect(importConsentedTenant(portal.database.db, "test", "contoso.com")).rejects.toMatchObject({ code: "invalid_tenant" });
    const rows = await portal.database.db.selectFrom("tenants").select("id").where("id", "=", TENANTS.tailspin).execute();
    expect(rows).toEqual([]);
  });
});
