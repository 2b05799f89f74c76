import "server-only";

import { randomUUID } from "node:crypto";

import { sql, type RawBuilder, type SqlBool } from "kysely";

import type { Db } from "@/lib/db/database";
import { nowIso } from "@/lib/db/repositories/json";
import { afterCursor, decodeCursor, encodeCursor } from "@/lib/db/repositories/keyset";
import { containsPattern, LIKE_ESCAPE, prefixPattern } from "@/lib/db/repositories/like";
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

/** A tenant's invites, newest first (the tenant page's history: a handful). */
export async function listInvitesOfTenant(db: Db, tenantId: string, options: { limit?: number; now?: Date } = {}): Promise<Invite[]> {
  const rows = await db
    .selectFrom("invites")
    .selectAll()
    .where("tenant_id", "=", tenantId.toLowerCase())
    .orderBy("created_at", "desc")
    .orderBy("id", "desc")
    .limit(options.limit ?? 100)
    .execute();
  return rows.map((r) => toInvite(r, options.now));
}

export interface InviteSearch {
  /** Part of the customer's name, or the start of the tenant ID or tenant hint (case-insensitive). */
  q?: string;
  state?: InviteState;
  limit: number;
  /** Opaque: where the previous page ended. */
  cursor?: string;
  now?: Date;
}

/** The SQL form of {@link inviteState}: the invites in `state` at `now`. */
function inviteStateSql(state: InviteState, now: string): RawBuilder<SqlBool> {
  const live = sql`revoked_at is null and consented_at is null and expires_at > ${now}`;
  switch (state) {
    case "revoked":
      return sql<SqlBool>`revoked_at is not null`;
    case "consented":
      return sql<SqlBool>`(revoked_at is null and consented_at is not null)`;
    case "expired":
      return sql<SqlBool>`(revoked_at is null and consented_at is null and expires_at <= ${now})`;
    case "failed":
      return sql<SqlBool>`(${live} and failed_at is not null)`;
    case "opened":
      return sql<SqlBool>`(${live} and failed_at is null and opened_at is not null)`;
    case "pending":
      return sql<SqlBool>`(${live} and failed_at is null and opened_at is null)`;
  }
}

/**
 * One page of invites, newest first, matching the search, after `cursor` (keyset paging along
 * `invites (created_at, id)`); one more than asked is read to know whether another page follows.
 */
export async function searchInvites(db: Db, search: InviteSearch): Promise<{ items: Invite[]; next: string | null }> {
  const now = search.now ?? new Date();
  let query = db.selectFrom("invites").selectAll();
  if (search.state) query = query.where(inviteStateSql(search.state, nowIso(now)));
  if (search.q) {
    const [contains, prefix] = [containsPattern(search.q), prefixPattern(search.q)];
    query = query.where(sql<SqlBool>`(lower(customer_name) like ${contains} ${LIKE_ESCAPE} or tenant_id like ${prefix} ${LIKE_ESCAPE} or lower(coalesce(tenant_hint, '')) like ${prefix} ${LIKE_ESCAPE})`);
  }
  const after = search.cursor ? decodeCursor(search.cursor) : null;
  if (after) query = query.where(afterCursor(sql<string>`created_at`, sql<string>`id`, after, true));
  const rows = await query.orderBy("created_at", "desc").orderBy("id", "desc").limit(search.limit + 1).execute();
  const page = rows.slice(0, search.limit);
  const last = page[page.length - 1];
  return { items: page.map((r) => toInvite(r, now)), next: rows.length > search.limit && last ? encodeCursor({ v: last.created_at, id: last.id }) : null };
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
