import "server-only";

import { z } from "zod";

import type { Db } from "@/lib/db/database";
import { appendAudit } from "@/lib/db/repositories/audit";
import { getTenant, updateTenant } from "@/lib/db/repositories/tenants";
import { AppError } from "@/lib/errors";
import { isTenantGuid } from "@/lib/identity/tenant-id";
import { findUsableInviteForTenant } from "@/lib/db/repositories/invites";
import { createInvite, renewInviteLink } from "@/lib/invites/invites";
import type { Meta } from "@/lib/http/request-meta";
import { currentPermissionSet } from "@/lib/permissions/permission-set";
import { MAX_ITERATIONS, probeTenantAndRecord } from "@/lib/probes/run-tenant";
import type { Partner } from "@/lib/session/partner-session";

async function tenantOrThrow(db: Db, tenantId: string) {
  const tenant = isTenantGuid(tenantId) ? await getTenant(db, tenantId) : null;
  if (!tenant) throw new AppError("tenant_not_found", "That tenant is not onboarded.");
  return tenant;
}

/** "Run probes now" (and "Run N times"), by a partner. */
export async function runProbesAsPartner(db: Db, partner: Partner, tenantId: string, iterations: number, meta: Meta) {
  const tenant = await tenantOrThrow(db, tenantId);
  const n = Math.max(1, Math.min(MAX_ITERATIONS, Math.floor(iterations) || 1));
  await appendAudit(db, { actor: partner.username, action: "probes.run", target: tenant.id, details: { iterations: n }, ...meta });
  return probeTenantAndRecord(db, tenant, { trigger: "manual", iterations: n });
}

/**
 * The re-consent link for missing permissions: the tenant's unused invite for the current
 * permission set when there is one (a fresh code, so the customer never holds two different
 * invites; the previous link stops working), else a new invite bound to the tenant. Links are
 * never stored, so a link cannot be shown twice.
 */
export async function reconsentLink(db: Db, partner: Partner, tenantId: string, meta: Meta): Promise<string> {
  const tenant = await tenantOrThrow(db, tenantId);
  const version = (await currentPermissionSet(db)).version;
  const usable = await findUsableInviteForTenant(db, tenant.id, version);
  if (usable) {
    const link = await renewInviteLink(db, partner, usable.id, meta);
    if (link) return link;
  }
  const { link } = await createInvite(db, partner, { customerName: tenant.displayName ?? tenant.id, tenantHint: tenant.id }, meta);
  return link;
}

export const testMailboxSchema = z
  .string()
  .trim()
  .max(254)
  .refine((v) => v === "" || /^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(v), "Enter a mailbox address such as adele@contoso.com, or leave it empty to pick one automatically.");

export async function setTestMailbox(db: Db, partner: Partner, tenantId: string, mailbox: string, meta: Meta): Promise<void> {
  const tenant = await tenantOrThrow(db, tenantId);
  const value = testMailboxSchema.parse(mailbox);
  await updateTenant(db, tenant.id, { testMailbox: value === "" ? null : value.toLowerCase() });
  await appendAudit(db, { actor: partner.username, action: "tenant.test_mailbox_set", target: tenant.id, details: { mailbox: value || null }, ...meta });
}
