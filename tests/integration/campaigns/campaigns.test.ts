import { describe, expect, it } from "vitest";

import { campaignCsv, campaignProgress, listCampaigns, reissueCampaignLinks, startCampaign } from "@/lib/campaigns/campaigns";
import { importConsentedTenant } from "@/lib/consent/import-tenant";
import { listAudit } from "@/lib/db/repositories/audit";
import { markInviteConsented, markInviteOpened } from "@/lib/db/repositories/invites";
import { findInviteByCode } from "@/lib/invites/invites";
import type { Partner } from "@/lib/session/partner-session";
import { TENANTS } from "../../support/emulator";
import { setUpPortalOnEmulator } from "../../support/portal-on-emulator";

const partner: Partner = { oid: "o", tenantId: TENANTS.partner, username: "bob@contoso-partners.example", name: "Bob", role: "operator", signedInAt: 0, lastSeenAt: 0, sessionVersion: 1 };
const meta = { ip: "127.0.0.1", userAgent: "test" };
const codeOf = (link: string) => link.split("/consent/")[1]!;

const portal = setUpPortalOnEmulator(async ({ database }) => {
  // Woodgrove consented to fewer permissions than the app has now; Northwind to all of them.
  await importConsentedTenant(database.db, "test", TENANTS.woodgrove);
  await importConsentedTenant(database.db, "test", TENANTS.northwind);
});

describe("re-consent campaigns", () => {
  it("makes one invite per tenant that needs re-consent, links as CSV, and follows its progress", async () => {
    const db = portal.database.db;
    const { campaign, links } = await startCampaign(db, partner, meta);
    expect(links.map((l) => l.tenantId)).toEqual([TENANTS.woodgrove]);
    expect(campaign).toMatchObject({ sent: 1, opened: 0, consented: 0 });
    const csv = campaignCsv(links).trimEnd().split("\r\n");
    expect(csv[0]).toBe("customer,tenant_id,link");
    expect(csv[1]).toContain(`,${TENANTS.woodgrove},http`);

    const opened = await findInviteByCode(db, codeOf(links[0]!.link));
    expect(opened.kind).toBe("ok");
    const inviteId = opened.kind === "ok" ? opened.invite.id : "";
    expect(opened.kind === "ok" && opened.invite.tenantHint).toBe(TENANTS.woodgrove);

    // A second campaign keeps the unused invite (one link per customer), with a new code.
    const again = await startCampaign(db, partner, meta);
    expect((await findInviteByCode(db, codeOf(links[0]!.link))).kind).toBe("unknown");
    const reused = await findInviteByCode(db, codeOf(again.links[0]!.link));
    expect(reused.kind === "ok" && reused.invite.id).toBe(inviteId);
    expect((await campaignProgress(db, campaign.id))!.sent).toBe(0);
    expect((await campaignProgress(db, again.campaign.id))!.sent).toBe(1);

    await markInviteOpened(db, inviteId);
    expect(await campaignProgress(db, again.campaign.id)).toMatchObject({ sent: 1, opened: 1, consented: 0 });
    const reissued = await reissueCampaignLinks(db, partner, again.campaign.id, meta);
    expect(reissued).toHaveLength(1);
    expect((await findInviteByCode(db, codeOf(again.links[0]!.link))).kind).toBe("unknown");
    await markInviteConsented(db, inviteId, TENANTS.woodgrove);
    expect(await campaignProgress(db, again.campaign.id)).toMatchObject({ sent: 1, opened: 1, consented: 1 });
    expect(await reissueCampaignLinks(db, partner, again.campaign.id, meta)).toEqual([]);

    expect((await listCampaigns(db)).map((c) => c.id)).toEqual([again.campaign.id, campaign.id]);
    const audit = await listAudit(db, { action: "campaign.started" });
    expect(audit).toHaveLength(2);
    expect(audit[0]).toMatchObject({ actor: partner.username, details: { tenants: 1, reused: 1 } });
  });

  it("a tenant's re-consent link reuses its unused invite (one per tenant), with a fresh code", async () => {
    const db = portal.database.db;
    const { reconsentLink } = await import("@/lib/probes/tenant-actions");
    const first = await reconsentLink(db, partner, TENANTS.northwind, meta);
    const second = await reconsentLink(db, partner, TENANTS.northwind, meta);
    expect(second).not.toBe(first);
    expect((await findInviteByCode(db, codeOf(first))).kind).toBe("unknown");
    const found = await findInviteByCode(db, codeOf(second));
    const invites = await db.selectFrom("invites").select("id").where("tenant_hint", "=", TENANTS.northwind).execute();
    expect(invites).toHaveLength(1);
    expect(found.kind === "ok" && found.invite.id).toBe(invites[0]!.id);
  });

  it("refuses to start when no tenant needs re-consent, and does not know forged campaign IDs", async () => {
    const db = portal.database.db;
    await db.updateTable("tenants").set({ status: "revoked" }).where("id", "=", TENANTS.woodgrove).execute();
    await expect(startCampaign(db, partner, meta)).rejects.toMatchObject({ code: "nothing_to_do", status: 409 });
    expect(await campaignProgress(db, "../x")).toBeNull();
    await expect(reissueCampaignLinks(db, partner, "00000000-0000-4000-8000-000000000000", meta)).rejects.toMatchObject({ status: 404 });
  });
});
