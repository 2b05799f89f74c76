import { describe, expect, it } from "vitest";

import { importConsentedTenant } from "@/lib/consent/import-tenant";
import { DEFAULT_RETRY_POLICY } from "@/lib/graph/retry";
import { probeTenantAndRecord } from "@/lib/probes/run-tenant";
import { liveProbeDeps } from "@/lib/probes/runner";
import { DEMO_APP_ID, TENANTS } from "../../support/emulator";
import { setUpPortalOnEmulator } from "../../support/portal-on-emulator";


const portal = setUpPortalOnEmulator();

async function findings(tenantId: string) {
  await importConsentedTenant(portal.database.db, "test", tenantId);
  const live = liveProbeDeps();
  // The demo app's EWS permission too, so EWS probes run.
  const deps = { ...live, permissions: [...live.permissions, "Exchange/full_access_as_app"], policy: { ...DEFAULT_RETRY_POLICY, sleep: async () => {} } };
  const { outcomes } = await probeTenantAndRecord(portal.database.db, tenantId, { trigger: "manual" }, deps);
  return Object.fromEntries(outcomes.filter((o) => o.finding).map((o) => [o.probe, o.finding!.id]));
}

// The demo's sandbox tenants, once imported or onboarded, show every tenant-level diagnosis.
describe("the demo scenario", () => {
  it.each([
    ["Northwind: an on-prem mailbox, which Graph no longer serves", TENANTS.northwind, { mail: "mailbox_on_premises", calendars: "mailbox_on_premises", contacts: "mailbox_on_premises" }],
    ["Adatum (pre-2023 era): Graph's 500 for an on-prem mailbox", "7e1a3b6c-9d8f-4eab-8b2c-6f7a8b9c0d06", { mail: "mailbox_on_premises" }],
    ["Woodgrove: consented to an older permission set", TENANTS.woodgrove, { domains: "permission_not_granted", application: "permission_not_granted", mail: "permission_not_granted", exchange: "exchange_role_missing" }],
    // Exchange is throttled there, so nothing tells the four causes apart: the finding says how to.
    ["Proseware: an inactive mailbox, and Exchange throttling", "8f2b4c7d-0e9a-4fbc-9c3d-7a8b9c0d1e07", { mail: "mailbox_not_enabled", exchange: "throttled" }],
    ["Trey Research: an application access policy", "9a3c5d8e-1f0b-4acd-8d4e-8b9c0d1e2f08", { mail: "access_policy_denies" }],
    ["Coho Winery: EWS allowed for other apps only", "c1000002-7a1e-4c0d-9e2b-5d0c0ffee002", { ews: "ews_blocked" }],
    ["Fourth Coffee: RBAC for Applications scoped away from the test mailbox", "c1000003-7a1e-4c0d-9e2b-5d0c0ffee003", { mail: "rbac_scope_excludes_mailbox" }],
    ["Graphic Design Institute: the app is disabled in the tenant", "c1000004-7a1e-4c0d-9e2b-5d0c0ffee004", { token: "app_disabled" }],
    ["Lamna Healthcare: Conditional Access blocks the app", "c1000005-7a1e-4c0d-9e2b-5d0c0ffee005", { token: "conditional_access_blocked" }],
    ["Relecloud: no Exchange Online", "c1000006-7a1e-4c0d-9e2b-5d0c0ffee006", { "exchange-token": "resource_not_found" }],
    ["VanArsdel: a soft-deleted test mailbox", "c1000007-7a1e-4c0d-9e2b-5d0c0ffee007", { mail: "mailbox_soft_deleted" }],
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
    expect(await findings(TENANTS.fabrikam)).toEqual({ exchange: "exchange_directory_role_missing", ews: "ews_role_missing" });
  });

  it("imports a tenant whose own policy refuses the app unverified: listed with its name and the refusal, never counted as consented", async () => {
    const lamna = "c1000005-7a1e-4c0d-9e2b-5d0c0ffee005";
    const tenant = await importConsentedTenant(portal.database.db, "test", lamna, undefined, "Lamna Healthcare");
    expect(tenant).toMatchObject({ status: "failed", displayName: "Lamna Healthcare", verifiedAt: null, consentedAt: null, roles: [] });
    const event = await portal.database.db.selectFrom("consent_events").selectAll().where("tenant_id", "=", lamna).orderBy("created_at", "desc").executeTakeFirstOrThrow();
    expect(event).toMatchObject({ verified: expect.anything(), error_code: "AADSTS53003" });
    expect(Boolean(event.verified)).toBe(false);
    const audit = await portal.database.db.selectFrom("audit_log").selectAll().where("target", "=", lamna).where("action", "=", "tenant.imported").executeTakeFirstOrThrow();
    expect(String(audit.details)).toContain("AADSTS53003");
  });

  it("refuses to import a tenant that never consented, and one that is not a GUID", async () => {
    await expect(importConsentedTenant(portal.database.db, "test", TENANTS.tailspin)).rejects.toMatchObject({ code: "not_consented" });
    await expect(importConsentedTenant(portal.database.db, "test", "contoso.com")).rejects.toMatchObject({ code: "invalid_tenant" });
    const rows = await portal.database.db.selectFrom("tenants").select("id").where("id", "=", TENANTS.tailspin).execute();
    expect(rows).toEqual([]);
  });
});
