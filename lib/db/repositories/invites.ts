import "server-only";

import { randomUUID } from "node:crypto";

import type { Db } from "@/lib/db/database";
import { nowIso } from "@/lib/db/repositories/json";
import type { InviteRow } from "@/lib/db/schema";

export const INVITE_STATES = ["pending", "opened", "consented", "failed", "expired", "revoked"] as const;
export type InviteState = (typeof INVITE_STATES)[number];

export interface Invite {
  id: string;
  customerName: string;
  tenantHint: string | null;
  permissionSetVersion: number;
  createdBy: string;
  createdAt: string;
  expiresAt: string;
  revokedAt: string | null;
  revokedBy: string | null;
  openedAt: string | null;
  consentedAt: string | null;
  failedAt: string | null;
  lastError: string | null;
  tenantId: string | null;
  state: InviteState;
}

/** Where an invite stands; revocation and success win over expiry, expiry over failure. */
export function inviteState(row: Pick<InviteRow, "revoked_at" | "consented_at" | "expires_at" | "failed_at" | "opened_at">, now: Date = new Date()): InviteState {
  if (row.revoked_at) return "revoked";
  if (row.consented_at) return "consented";
  if (row.expires_at <= nowIso(now)) return "expired";
  if (row.failed_at) return "failed";
  if (row.opened_at) return "opened";
  return "pending";
}

function toInvite(row: InviteRow, now?: Date): Invite {
  return {
    id: row.id,
    customerName: row.customer_name,
    tenantHint: row.tenant_hint,
    permissionSetVersion: row.permission_set_version,
    createdBy: row.created_by,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    revokedAt: row.revoked_at,
    revokedBy: row.revoked_by,
    openedAt: row.opened_at,
    consentedAt: row.consented_at,
    failedAt: row.failed_at,
    lastError: row.last_error,
    tenantId: row.tenant_id,
    state: inviteState(row, now),
  };
}

export interface InsertInviteInput {
  /** The re-consent campaign issuing it. */
  campaignId?: string | null;
  codeHash: string;
  customerName: string;
  tenantHint: string | null;
  permissionSetVersion: number;
  createdBy: string;
  ttlDays: number;
  now?: Date;
}

export async function insertInvite(db: Db, input: InsertInviteInput): Promise<Invite> {
  const now = input.now ?? new Date();
  const row: InviteRow = {
    id: randomUUID(),
    code_hash: input.codeHash,
    customer_name: input.customerName,
    tenant_hint: input.tenantHint,
    permission_set_version: input.permissionSetVersion,
    created_by: input.createdBy,
    created_at: nowIso(now),
    expires_at: nowIso(new Date(now.getTime() + input.ttlDays * 86_400_000)),
    revoked_at: null,
    revoked_by: null,
    opened_at: null,
    consented_at: null,
    failed_at: null,
    last_error: null,
    tenant_id: null,
    campaign_id: input.campaignId ?? null,
  };
  await db.insertInto("invites").values(row).execute();
  return toInvite(row, now);
}

export async function findInviteByCodeHash(db: Db, codeHash: string, now?: Date): Promise<Invite | null> {
  const row = await db.selectFrom("invites").selectAll().where("code_hash", "=", codeHash).executeTakeFirst();
  return row ? toInvite(row, now) : null;
}

export async function getInvite(db: Db, id: string, now?: Date): Promise<Invite | null> {
  const row = await db.selectFrom("invites").selectAll().where("id", "=", id).executeTakeFirst();
  return row ? toInvite(row, now) : null;
}

export async function listInvites(db: Db, options: { limit?: number; now?: Date; tenantId?: string; onboardedOnly?: boolean } = {}): Promise<Invite[]> {
  let query = db.selectFrom("invites").selectAll();
  if (options.tenantId) query = query.where("tenant_id", "=", options.tenantId.toLowerCase());
  if (options.onboardedOnly) query = query.where("tenant_id", "is not", null);
  const rows = await query
    .orderBy("created_at", "desc")
    .orderBy("id")
    .limit(options.limit ?? 500)
    .execute();
  return rows.map((r) => toInvite(r, options.now));
}

/** An invite bound to this tenant for this permission-set version that can still be used (newest first). */
export async function findUsableInviteForTenant(db: Db, tenantId: string, permissionSetVersion: number, now: Date = new Date()): Promise<Invite | null> {
  const row = await db
    .selectFrom("invites")
    .selectAll()
    .where("tenant_hint", "=", tenantId.toLowerCase())
    .where("permission_set_version", "=", permissionSetVersion)
    .where("revoked_at", "is", null)
    .where("consented_at", "is", null)
    .where("expires_at", ">", nowIso(now))
    .orderBy("created_at", "desc")
    .executeTakeFirst();
  return row ? toInvite(row, now) : null;
}

/** The customer name of the invite that onboarded each of these tenants (the newest, when several did). */
export async function customerNamesOf(db: Db, tenantIds: string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  if (tenantIds.length === 0) return out;
  const rows = await db.selectFrom("invites").select(["tenant_id", "customer_name"]).where("tenant_id", "in", tenantIds).orderBy("created_at", "desc").execute();
  for (const row of rows) if (row.tenant_id && !out.has(row.tenant_id)) out.set(row.tenant_id, row.customer_name);
  return out;
}

/** Revokes an invite that is not yet revoked; returns false when there was nothing to revoke. */
export async function revokeInvite(db: Db, id: string, revokedBy: string, now?: Date): Promise<boolean> {
  const result = await db
    .updateTable("invites")
    .set({ revoked_at: nowIso(now), revoked_by: revokedBy })
    .where("id", "=", id)
    .where("revoked_at", "is", null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Records the first time the consent page was opened; later opens keep the first time. */
export async function markInviteOpened(db: Db, id: string, now?: Date): Promise<void> {
  await db.updateTable("invites").set({ opened_at: nowIso(now) }).where("id", "=", id).where("opened_at", "is", null).execute();
}

export async function markInviteConsented(db: Db, id: string, tenantId: string, now?: Date): Promise<void> {
  await db.updateTable("invites").set({ consented_at: nowIso(now), tenant_id: tenantId, last_error: null }).where("id", "=", id).execute();
}

/**
 * Records why the invite's last attempt failed. An invite that already brought its tenant
 * in keeps its success: a later cancel or decline is in the consent events, not on the invite.
 */
export async function markInviteFailed(db: Db, id: string, error: string, now?: Date): Promise<void> {
  await db.updateTable("invites").set({ failed_at: nowIso(now), last_error: error.slice(0, 2000) }).where("id", "=", id).where("consented_at", "is", null).execute();
}
