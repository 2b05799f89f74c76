import { beforeAll, describe, expect, it } from "vitest";

import { getConfig } from "@/lib/config";
import { importConsentedTenant } from "@/lib/consent/import-tenant";
import { claimBulkItems, completeBulkItems, createBulkRun, finishBulkRunIfDone } from "@/lib/db/repositories/bulk-runs";
import { upsertTenant } from "@/lib/db/repositories/tenants";
import { listDeliveries, type WebhookEndpoint } from "@/lib/db/repositories/webhooks";
import { DEFAULT_RETRY_POLICY } from "@/lib/graph/retry";
import { resetMsalClientForTests } from "@/lib/identity/msal-client";
import { probeTenantAndRecord } from "@/lib/probes/run-tenant";
import { liveProbeDeps, type ProbeDeps } from "@/lib/probes/runner";
import type { Partner } from "@/lib/session/partner-session";
import { checkCredentialExpiry } from "@/lib/webhooks/credential-expiry";
import { deliverDueWebhooks } from "@/lib/webhooks/delivery-worker";
import { enqueueNeedsReconsentEvents } from "@/lib/webhooks/lifecycle-events";
import { recordPermissionSet } from "@/lib/permissions/permission-set";
import { WEBHOOK_EVENT_TYPES } from "@/lib/webhooks/events";
import { createWebhookEndpoint } from "@/lib/webhooks/manage";
import { DEMO_APP_ID, TENANTS } from "../../support/emulator";
import { setUpPortalOnEmulator } from "../../support/portal-on-emulator";
import { startReceiver } from "./receiver";

const admin: Partner = { oid: "00000000-0000-4000-8000-00000000a11d", tenantId: "8d2f6a41-3c7e-4b90-a1d5-6e9f0b2c4d71", username: "admin@partner.example", name: "Admin", role: "admin", signedInAt: 0, lastSeenAt: 0, sessionVersion: 1 };
let endpoint: WebhookEndpoint;
let secret = "";
let receiver: Awaited<ReturnType<typeof startReceiver>>;

const portal = setUpPortalOnEmulator(async ({ database }) => {
  receiver = await startReceiver(() => secret);
  const created = await createWebhookEndpoint(database.db, admin, { url: receiver.url, description: "all", events: [...WEBHOOK_EVENT_TYPES], format: "standard" }, { ip: null, userAgent: null });
  endpoint = created.endpoint;
  secret = created.secret;
  await upsertTenant(database.db, TENANTS.northwind, { status: "consented", displayName: "Northwind Traders", testMailbox: "joni@northwind.example" });
});
beforeAll(() => () => receiver?.close());

function deps(): ProbeDeps {
  return { ...liveProbeDeps(), policy: { ...DEFAULT_RETRY_POLICY, sleep: async () => {}, random: () => 0.5 } };
}

const graphRoles = ["Organization.Read.All", "Domain.Read.All", "User.Read.All", "Application.Read.All", "Calendars.Read", "Contacts.Read"];
const grants = (withMail: boolean) => ({
  grants: [
    { resource: "graph", roles: withMail ? [...graphRoles, "Mail.Read"] : graphRoles },
    { resource: "exchange", roles: ["Exchange.ManageAsApp"] },
  ],
  directoryRoles: ["Exchange Administrator"],
});

/** Changes what the app is granted in Northwind; a fresh MSAL client so the next token carries it. */
async function grantNorthwind(withMail: boolean) {
  expect((await portal.emu.control("PUT", `/tenants/${TENANTS.northwind}/servicePrincipals/${DEMO_APP_ID}`, grants(withMail))).status).toBe(200);
  resetMsalClientForTests();
}

async function eventsOfType(type: string) {
  return (await listDeliveries(portal.database.db, endpoint.id, { limit: 100 })).filter((d) => d.eventType === type);
}

describe("webhook events from real probe runs against the sandbox", () => {
  it("announces a regression when a probe that passed now fails, and a recovery when all pass again", async () => {
    const first = await probeTenantAndRecord(portal.database.db, TENANTS.northwind, { trigger: "manual" }, deps());
    expect(first.run.status).toBe("passed");
    expect(await eventsOfType("tenant.regressed")).toEqual([]);

    await grantNorthwind(false);
    const second = await probeTenantAndRecord(portal.database.db, TENANTS.northwind, { trigger: "manual" }, deps());
    expect(second.run.status).toBe("failed");
    const [regressed] = await eventsOfType("tenant.regressed");
    expect(regressed?.payload).toMatchObject({
      type: "tenant.regressed",
      data: { tenantId: TENANTS.northwind, displayName: "Northwind Traders", probeRunId: second.run.id, previousProbeRunId: first.run.id, regressedProbes: expect.arrayContaining([expect.objectContaining({ probe: "mail" })]) },
    });

    await grantNorthwind(true);
    const third = await probeTenantAndRecord(portal.database.db, TENANTS.northwind, { trigger: "manual" }, deps());
    expect(third.run.status).toBe("passed");
    const [recovered] = await eventsOfType("tenant.recovered");
    expect(recovered?.payload.data).toMatchObject({ tenantId: TENANTS.northwind, probeRunId: third.run.id, previousProbeRunId: second.run.id, recoveredProbes: expect.arrayContaining(["mail"]) });

    // The worker sends them later, signed; the receiver verifies each.
    expect(await deliverDueWebhooks(portal.database.db, { deps: { log: () => {} } })).toBeGreaterThanOrEqual(2);
    const types = receiver.received.filter((r) => r.verified !== null).map((r) => (r.verified as { type: string }).type);
    expect(types).toEqual(expect.arrayContaining(["tenant.regressed", "tenant.recovered"]));
  });

  it("announces a tenant onboarded by a verified consent", async () => {
    await importConsentedTenant(portal.database.db, "test", TENANTS.woodgrove);
    const [onboarded] = await eventsOfType("tenant.onboarded");
    expect(onboarded?.payload.data).toMatchObject({ tenantId: TENANTS.woodgrove, roles: expect.any(Array) });
    await importConsentedTenant(portal.database.db, "test", TENANTS.woodgrove);
    expect(await eventsOfType("tenant.onboarded")).toHaveLength(1); // already consented: not again
  });

  it("announces a finished bulk run once, with its counts", async () => {
    const run = await createBulkRun(portal.database.db, "ops@partner.example", [TENANTS.northwind]);
    await claimBulkItems(portal.database.db, run.id, "me", 10, 60);
    await completeBulkItems(portal.database.db, run.id, "me", [{ tenantId: TENANTS.northwind, state: "done", probeRunId: null }]);
    expect(await finishBulkRunIfDone(portal.database.db, run.id)).toBe(true);
    expect(await finishBulkRunIfDone(portal.database.db, run.id)).toBe(true);
    const finished = await eventsOfType("bulk_run.finished");
    expect(finished).toHaveLength(1);
    expect(finished[0]!.payload.data).toMatchObject({ bulkRunId: run.id, total: 1, done: 1, failed: 0, failingTenants: 0, requestedBy: "ops@partner.example" });
  });

  it("announces the tenants a new permission-set version leaves needing re-consent, once", async () => {
    const entry = (value: string) => ({ resource: "graph" as const, value, appRoleId: null, displayName: null, description: null });
    const before = await recordPermissionSet(portal.database.db, [entry("User.Read.All")], "registration");
    await upsertTenant(portal.database.db, TENANTS.litware, { status: "consented", displayName: "Litware", consentedPermissionSetVersion: before.set.version });
    // Imported from before Consentry: no version recorded, judged by what its last token held.
    await upsertTenant(portal.database.db, TENANTS.tailspin, { status: "consented", displayName: "Tailspin", roles: ["User.Read.All"] });
    const after = await recordPermissionSet(portal.database.db, [entry("User.Read.All"), entry("Mail.Read")], "registration");
    expect(after.created).toBe(true);
    expect(await enqueueNeedsReconsentEvents(portal.database.db, after.set.version)).toBeGreaterThanOrEqual(1);
    const [needs] = (await eventsOfType("tenant.needs_reconsent")).filter((d) => d.payload.data.tenantId === TENANTS.litware);
    expect(needs?.payload.data).toEqual({ tenantId: TENANTS.litware, displayName: "Litware", consentedPermissionSetVersion: before.set.version, currentPermissionSetVersion: after.set.version });
    expect((await eventsOfType("tenant.needs_reconsent")).map((d) => d.payload.data.tenantId)).toContain(TENANTS.tailspin);
    // A later version that adds nothing more for Litware's consent: it needed re-consent already, so no second event.
    const later = await recordPermissionSet(portal.database.db, [entry("User.Read.All"), entry("Mail.Read"), entry("Calendars.Read")], "registration");
    await enqueueNeedsReconsentEvents(portal.database.db, later.set.version);
    expect((await eventsOfType("tenant.needs_reconsent")).filter((d) => d.payload.data.tenantId === TENANTS.litware)).toHaveLength(1);
  });

  it("announces the portal's expiring certificate once per warning step, whatever restarts", async () => {
    const credential = getConfig().credential;
    if (credential?.kind !== "certificate") throw new Error("the sandbox signs with a certificate");
    const day = 86_400_000;
    const at = (daysBefore: number) => new Date(credential.notAfter.getTime() - daysBefore * day);
    expect(await checkCredentialExpiry(portal.database.db, at(40))).toBe(0);
    expect(await checkCredentialExpiry(portal.database.db, at(10))).toBe(1);
    expect(await checkCredentialExpiry(portal.database.db, at(10))).toBe(0); // a restart the same day
    expect(await checkCredentialExpiry(portal.database.db, at(9))).toBe(0); // still the 14-day step
    expect(await checkCredentialExpiry(portal.database.db, at(5))).toBe(1); // the 7-day step
    const [latest] = await eventsOfType("credential.expiring");
    expect(latest?.payload.data).toMatchObject({ source: "configured", kind: "certificate", keyId: credential.thumbprintSha256, expiresAt: credential.notAfter.toISOString(), daysLeft: 5 });
  });
});
