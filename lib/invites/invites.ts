import "server-only";

import { z } from "zod";

import { getConfig } from "@/lib/config";
import type { Db } from "@/lib/db/database";
import { appendAudit } from "@/lib/db/repositories/audit";
import { findInviteByCodeHash, getInvite, insertInvite, revokeInvite, type Invite } from "@/lib/db/repositories/invites";
import { generateInviteCode, hashInviteCode, isWellFormedInviteCode } from "@/lib/invites/invite-code";
import { isTenantDomain, isTenantGuid } from "@/lib/identity/tenant-id";
import { currentPermissionSet } from "@/lib/permissions/permission-set";
import type { Partner } from "@/lib/session/partner-session";
import type { Meta } from "@/lib/http/request-meta";

export const inviteInputSchema = z.object({
  customerName: z
    .string()
    .trim()
    .min(1, "Enter the customer's name.")
    .max(120, "Keep the name under 120 characters.")
    .refine((v) => !/[\u0000-\u001f\u007f]/.test(v), "The name contains control characters."),
  tenantHint: z
    .string()
    .trim()
    .max(253)
    .transform((v) => v.toLowerCase())
    .refine((v) => v === "" || isTenantGuid(v) || isTenantDomain(v), "Enter a tenant ID (GUID) or a domain such as contoso.com, or leave it empty.")
    .transform((v) => (v === "" ? null : v)),
});
export type InviteInput = z.input<typeof inviteInputSchema>;

export function inviteLink(code: string): string {
  return `${getConfig().publicBaseUrl}/consent/${code}`;
}

/**
 * Creates an invite and returns its link. The code exists only in that link: the
 * database keeps its hash, so the link is shown once (a new one can be made later).
 */
export async function createInvite(db: Db, partner: Partner, input: z.output<typeof inviteInputSchema>, meta: Meta): Promise<{ invite: Invite; link: string }> {
  const set = await currentPermissionSet(db);
  const code = generateInviteCode();
  const invite = await insertInvite(db, {
    codeHash: hashInviteCode(code),
    customerName: input.customerName,
    tenantHint: input.tenantHint,
    permissionSetVersion: set.version,
    createdBy: partner.username,
    ttlDays: getConfig().inviteTtlDays,
  });
  await appendAudit(db, {
    actor: partner.username,
    action: "invite.created",
    target: invite.id,
    details: { customerName: invite.customerName, tenantHint: invite.tenantHint, permissionSetVersion: set.version, expiresAt: invite.expiresAt },
    ...meta,
  });
  return { invite, link: inviteLink(code) };
}

/** Replaces an invite's code (the old link stops working) and returns the new link. */
export async function renewInviteLink(db: Db, partner: Partner, inviteId: string, meta: Meta): Promise<string | null> {
  const invite = await getInvite(db, inviteId);
  if (!invite || invite.state === "revoked" || invite.state === "expired") return null;
  const code = generateInviteCode();
  await db.updateTable("invites").set({ code_hash: hashInviteCode(code) }).where("id", "=", inviteId).execute();
  await appendAudit(db, { actor: partner.username, action: "invite.link_renewed", target: inviteId, ...meta });
  return inviteLink(code);
}

export async function revokeInviteAsPartner(db: Db, partner: Partner, inviteId: string, meta: Meta): Promise<boolean> {
  const revoked = await revokeInvite(db, inviteId, partner.username);
  if (revoked) await appendAudit(db, { actor: partner.username, action: "invite.revoked", target: inviteId, ...meta });
  return revoked;
}

export type OpenedInvite = { kind: "ok"; invite: Invite } | { kind: "unknown" } | { kind: "expired"; invite: Invite } | { kind: "revoked"; invite: Invite };

/** Looks an invite up by the code in its link; junk never reaches the database. */
export async function findInviteByCode(db: Db, code: string): Promise<OpenedInvite> {
  if (!isWellFormedInviteCode(code)) return { kind: "unknown" };
  const invite = await findInviteByCodeHash(db, hashInviteCode(code));
  if (!invite) return { kind: "unknown" };
  if (invite.state === "revoked") return { kind: "revoked", invite };
  if (invite.state === "expired") return { kind: "expired", invite };
  return { kind: "ok", invite };
}

