import "server-only";

import { randomUUID } from "node:crypto";

import { getConfig } from "@/lib/config";
import { csvRow } from "@/lib/csv";
import type { Db } from "@/lib/db/database";
import { appendAudit } from "@/lib/db/repositories/audit";
import { inviteState, insertInvite } from "@/lib/db/repositories/invites";
import { nowIso } from "@/lib/db/repositories/json";
import { searchTenants } from "@/lib/db/repositories/tenant-search";
import { AppError } from "@/lib/errors";
import { generateInviteCode, hashInviteCode } from "@/lib/invites/invite-code";
import { inviteLink } from "@/lib/invites/invites";
import type { Meta } from "@/lib/http/request-meta";
import type { Partner } from "@/lib/session/partner-session";
import { needsReconsentSql, reconsentRule } from "@/lib/tenants/needs-reconsent";
import { isGuid } from "@/lib/identity/tenant-id";

export interface CampaignLink {
  customer: string;
  tenantId: string;
  link: string;
}

export interface CampaignSummary {
  id: string;
  permissionSetVersion: number;
  createdBy: string;
  createdAt: string;
  sent: number;
  opened: number;
  consented: number;
}

export interface CampaignProgress extends CampaignSummary {
  rows: { inviteId: string; tenantId: string | null; customer: string; state: string; openedAt: string | null; consentedAt: string | null }[];
}

export const CAMPAIGN_CSV_COLUMNS = ["customer", "tenant_id", "link"];

/** The links as CSV for a mail merge: customer, tenant, link (formula-safe). */
export function campaignCsv(links: CampaignLink[]): string {
  return csvRow(CAMPAIGN_CSV_COLUMNS) + links.map((l) => csvRow([l.customer, l.tenantId, l.link])).join("");
}

/**
 * Starts a re-consent campaign for the current permission set: one invite per consented tenant that
 * needs re-consent, bound to that tenant. A tenant that already has a usable invite for this version
 * (from an earlier campaign or by hand) keeps it, with a fresh code, so one customer never holds two
 * links. Links exist only in the answer (the database keeps hashes): hand them out now, as CSV.
 */
export async function startCampaign(db: Db, partner: Partner, meta: Meta): Promise<{ campaign: CampaignSummary; links: CampaignLink[] }> {
  const rule = await reconsentRule(db);
  const tenants: { id: string; name: string }[] = [];
  let cursor: string | undefined;
  do {
    const page = await searchTenants(db, { needsReconsent: { condition: needsReconsentSql(rule), include: true }, sort: "name", limit: 500, cursor });
    tenants.push(...page.rows.map((r) => ({ id: r.tenant.id, name: r.tenant.displayName ?? r.tenant.id })));
    cursor = page.next ?? undefined;
  } while (cursor);
  if (tenants.length === 0) throw new AppError("nothing_to_do", "No tenant needs re-consent: every consented tenant has the current permissions.");

  const campaignId = randomUUID();
  const now = new Date();
  const links: CampaignLink[] = [];
  await db.transaction().execute(async (trx) => {
    await trx.insertInto("reconsent_campaigns").values({ id: campaignId, permission_set_version: rule.currentVersion, created_by: partner.username, created_at: nowIso(now) }).execute();
    const existing = await trx
      .selectFrom("invites")
      .selectAll()
      .where("tenant_hint", "in", tenants.map((t) => t.id))
      .where("permission_set_version", "=", rule.currentVersion)
      .where("revoked_at", "is", null)
      .where("consented_at", "is", null)
      .where("expires_at", ">", nowIso(now))
      .execute();
    const reusable = new Map(existing.map((row) => [row.tenant_hint!, row]));
    for (const tenant of tenants) {
      const code = generateInviteCode();
      const reuse = reusable.get(tenant.id);
      if (reuse) {
        await trx.updateTable("invites").set({ code_hash: hashInviteCode(code), campaign_id: campaignId }).where("id", "=", reuse.id).execute();
      } else {
        await insertInvite(trx, { codeHash: hashInviteCode(code), customerName: tenant.name, tenantHint: tenant.id, permissionSetVersion: rule.currentVersion, createdBy: partner.username, ttlDays: getConfig().inviteTtlDays, campaignId, now });
      }
      links.push({ customer: reuse?.customer_name ?? tenant.name, tenantId: tenant.id, link: inviteLink(code) });
    }
    await appendAudit(trx, { actor: partner.username, action: "campaign.started", target: campaignId, details: { permissionSetVersion: rule.currentVersion, tenants: tenants.length, reused: reusable.size }, ...meta });
  });
  return { campaign: (await campaignProgress(db, campaignId))!, links };
}

/**
 * Fresh links for a campaign's invites that are not consented yet (their earlier links stop
 * working): for when the first CSV was lost. Audited.
 */
export async function reissueCampaignLinks(db: Db, partner: Partner, campaignId: string, meta: Meta): Promise<CampaignLink[]> {
  const campaign = await campaignProgress(db, campaignId);
  if (!campaign) throw new AppError("campaign_not_found", "No such campaign.");
  const links: CampaignLink[] = [];
  await db.transaction().execute(async (trx) => {
    for (const row of campaign.rows) {
      if (row.state === "consented" || row.state === "revoked" || row.state === "expired") continue;
      const code = generateInviteCode();
      await trx.updateTable("invites").set({ code_hash: hashInviteCode(code) }).where("id", "=", row.inviteId).execute();
      links.push({ customer: row.customer, tenantId: row.tenantId ?? "", link: inviteLink(code) });
    }
    await appendAudit(trx, { actor: partner.username, action: "campaign.links_reissued", target: campaignId, details: { links: links.length }, ...meta });
  });
  return links;
}

/** A campaign's invites and where each stands: sent, opened, consented. */
export async function campaignProgress(db: Db, campaignId: string): Promise<CampaignProgress | null> {
  if (!isGuid(campaignId)) return null;
  const campaign = await db.selectFrom("reconsent_campaigns").selectAll().where("id", "=", campaignId).executeTakeFirst();
  if (!campaign) return null;
  const invites = await db.selectFrom("invites").selectAll().where("campaign_id", "=", campaignId).orderBy("customer_name").execute();
  const rows = invites.map((i) => ({ inviteId: i.id, tenantId: i.tenant_hint, customer: i.customer_name, state: inviteState(i), openedAt: i.opened_at, consentedAt: i.consented_at }));
  return {
    id: campaign.id,
    permissionSetVersion: campaign.permission_set_version,
    createdBy: campaign.created_by,
    createdAt: campaign.created_at,
    sent: rows.length,
    opened: rows.filter((r) => r.openedAt !== null || r.consentedAt !== null).length,
    consented: rows.filter((r) => r.consentedAt !== null).length,
    rows,
  };
}

export async function listCampaigns(db: Db): Promise<CampaignSummary[]> {
  const campaigns = await db.selectFrom("reconsent_campaigns").selectAll().orderBy("created_at", "desc").limit(50).execute();
  const out: CampaignSummary[] = [];
  for (const c of campaigns) {
    const { rows: _rows, ...summary } = (await campaignProgress(db, c.id))!;
    out.push(summary);
  }
  return out;
}
