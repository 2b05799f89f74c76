import { describe, expect, it } from "vitest";

import { listAudit } from "@/lib/db/repositories/audit";
import { upsertTenant } from "@/lib/db/repositories/tenants";
import { readAppRegistration, readResourceAppRoles } from "@/lib/graph/applications";
import { acquireAppToken } from "@/lib/identity/app-token";
import { formatPermission } from "@/lib/permissions/catalog";
import { currentPermissionSet, needsReconsent, permissionSetsByVersion } from "@/lib/permissions/permission-set";
import { lastRegistrationRead, refreshPermissionSet } from "@/lib/permissions/registration";
import { getRegistrationSettingsView } from "@/lib/permissions/settings-view";
import { DEMO_APP_ID, TENANTS } from "../../support/emulator";
import { setUpPortalOnEmulator } from "../../support/portal-on-emulator";


const portal = setUpPortalOnEmulator();

describe("the app registration, read from Graph in the partner tenant", () => {
  it("reads requiredResourceAccess, credentials and redirect URIs, and resolves role IDs through each resource's appRoles", async () => {
    const token = (await acquireAppToken(TENANTS.partner, "graph", { fresh: true })).accessToken;
    const app = await readAppRegistration(token, DEMO_APP_ID);
    expect(app.ok).toBe(true);
    if (!app.ok) return;
    expect(app.data.appId).toBe(DEMO_APP_ID);
    expect(app.data.requiredAppRoles.map((r) => r.resourceAppId).sort()).toEqual(["00000002-0000-0ff1-ce00-000000000000", "00000003-0000-0000-c000-000000000000", "00000003-0000-0ff1-ce00-000000000000"]);
    expect(app.data.credentials.map((c) => c.kind).sort()).toEqual(["certificate", "secret", "secret"]);
    expect(app.data.redirectUris).toContain("http://localhost:3000/consent/callback");
    const exchange = await readResourceAppRoles(token, "00000002-0000-0ff1-ce00-000000000000");
    expect(exchange.ok && exchange.data.appRoles.find((r) => r.id === "dc50a0fb-09a3-484d-be87-e023b12c6440")).toMatchObject({ value: "Exchange.ManageAsApp", displayName: "Manage Exchange As Application" });
  });

  it("is not found from a customer tenant, where the application object does not exist", async () => {
    await portal.emu.control("PUT", `/tenants/${TENANTS.fabrikam}/servicePrincipals/${DEMO_APP_ID}`, { grants: [{ resource: "graph", roles: ["Application.Read.All"] }] });
    const token = (await acquireAppToken(TENANTS.fabrikam, "graph", { fresh: true })).accessToken;
    expect(await readAppRegistration(token, DEMO_APP_ID)).toMatchObject({ ok: false, status: 404, code: "Request_ResourceNotFound" });
  });

  it("records a version on refresh, none when unchanged, and a new one when the partner adds a permission, which tenants on the old one need", async () => {
    const db = portal.database.db;
    const first = await refreshPermissionSet(db);
    expect(first).toMatchObject({ created: true, fallback: false, read: { ok: true } });
    expect(first.set.source).toBe("registration");
    expect(first.set.permissions.map(formatPermission)).toEqual(expect.arrayContaining(["Graph/Sites.Read.All", "Exchange/full_access_as_app", "SharePoint/Sites.Read.All"]));
    expect(first.set.permissions.length).toBeGreaterThanOrEqual(12);
    expect(first.set.permissions.find((p) => p.resource === "sharepoint")).toMatchObject({ appRoleId: "d13f72ca-a275-4b96-b789-48ebcc4da984", displayName: "Read items in all site collections" });

    expect(await refreshPermissionSet(db)).toMatchObject({ created: false, set: { version: first.set.version } });

    await upsertTenant(db, TENANTS.fabrikam, { status: "consented", consentedPermissionSetVersion: first.set.version });
    const added = await portal.emu.control("POST", `/apps/${DEMO_APP_ID}/requiredResourceAccess`, { resource: "graph", role: "Reports.Read.All" });
    expect(added.status).toBe(200);
    const second = await refreshPermissionSet(db, { actor: "alice@contoso-partners.example", meta: { ip: "127.0.0.1", userAgent: "test" } });
    expect(second).toMatchObject({ created: true, set: { version: first.set.version + 1 } });
    expect(second.set.permissions.map(formatPermission)).toContain("Graph/Reports.Read.All");
    expect(needsReconsent(first.set.version, await permissionSetsByVersion(db), await currentPermissionSet(db))).toBe(true);
    const [audit] = await listAudit(db, { action: "permissions.refreshed", limit: 1 });
    expect(audit).toMatchObject({ actor: "alice@contoso-partners.example", details: { created: true, version: second.set.version } });
  });

  it("keeps the last version read when the registration cannot be read, and says why", async () => {
    const db = portal.database.db;
    const before = await currentPermissionSet(db);
    await portal.emu.control("PUT", `/tenants/${TENANTS.partner}/servicePrincipals/${DEMO_APP_ID}`, { grants: [{ resource: "graph", roles: ["User.Read.All"] }] });
    try {
      const outcome = await refreshPermissionSet(db);
      expect(outcome).toMatchObject({ created: false, fallback: false, set: { version: before.version }, read: { ok: false, code: "Authorization_RequestDenied" } });
      expect(outcome.read.ok === false && outcome.read.message).toMatch(/Application\.Read\.All/);
      expect(await lastRegistrationRead(db)).toMatchObject({ ok: false });
    } finally {
      await portal.emu.control("PUT", `/tenants/${TENANTS.partner}/servicePrincipals/${DEMO_APP_ID}`, { grants: [{ resource: "graph", roles: ["Application.Read.All"] }] });
    }
  });

  it("shows the settings page the credentials with expiry, a warning within 30 days and the redirect URIs", async () => {
    const db = portal.database.db;
    await refreshPermissionSet(db);
    const view = await getRegistrationSettingsView(db);
    expect(view.fallback).toBe(false);
    expect(view.credentials.find((c) => c.name === "demo-secret")).toMatchObject({ kind: "secret", state: "expiring" });
    expect(view.credentials.find((c) => c.name === "expired-secret")).toMatchObject({ state: "expired" });
    expect(view.credentials.find((c) => c.kind === "certificate")).toMatchObject({ state: "ok" });
    expect(view.redirectUris.map((r) => r.uri.replace(/^https?:\/\/[^/]+/, ""))).toEqual(["/consent/callback", "/consent/signin/callback", "/auth/callback"]);
    expect(view.versions[0]!.added).toContain("Graph/Reports.Read.All");
  });
});
