import "server-only";

import { z } from "zod";

import { getConfig } from "@/lib/config";
import type { Db } from "@/lib/db/database";
import { appendAudit } from "@/lib/db/repositories/audit";
import { getTenant } from "@/lib/db/repositories/tenants";
import { AppError } from "@/lib/errors";
import { isTenantGuid } from "@/lib/identity/tenant-id";
import type { Meta } from "@/lib/http/request-meta";
import type { Partner } from "@/lib/session/partner-session";

export interface OffboardResult {
  tenantId: string;
  displayName: string | null;
  /** What the customer's administrator does to remove the app from their tenant. */
  customerInstructions: string;
}

export const offboardResultSchema = z.object({ tenantId: z.string(), displayName: z.string().nullable(), customerInstructions: z.string() });

/**
 * Removes a tenant from Consentry: its probe runs and results, bulk items, consent events and
 * attempts, and the invites for it are deleted in one transaction, then the tenant itself; the
 * audit log keeps who removed which tenant and when (its entries are never purged). Consentry
 * cannot delete the app in the customer's tenant: the answer says how the customer does that.
 * @see https://learn.microsoft.com/entra/identity/enterprise-apps/delete-application-portal
 */
export async function offboardTenant(db: Db, partner: Partner, tenantId: string, meta: Meta): Promise<OffboardResult> {
  const id = tenantId.toLowerCase();
  const tenant = isTenantGuid(id) ? await getTenant(db, id) : null;
  if (!tenant) throw new AppError("tenant_not_found", "That tenant is not onboarded.");
  await db.transaction().execute(async (trx) => {
    await trx.deleteFrom("consent_events").where("tenant_id", "=", id).execute();
    await trx.deleteFrom("consent_attempts").where("tenant_claim", "=", id).execute();
    await trx.deleteFrom("invites").where((eb) => eb.or([eb("tenant_id", "=", id), eb("tenant_hint", "=", id)])).execute();
    // Probe runs, their results and bulk items go with the tenant (ON DELETE CASCADE).
    await trx.deleteFrom("tenants").where("id", "=", id).execute();
    await appendAudit(trx, { actor: partner.username, action: "tenant.offboarded", target: id, details: { displayName: tenant.displayName, initialDomain: tenant.initialDomain }, ...meta });
  });
  const app = getConfig().appDisplayName;
  return {
    tenantId: id,
    displayName: tenant.displayName,
    customerInstructions: `Consentry no longer checks this tenant, but the app "${app}" (client ID ${getConfig().clientId}) stays in it with its permissions until an administrator of ${tenant.displayName ?? id} deletes it: Microsoft Entra admin center > Enterprise applications > All applications > ${app} > Properties > Delete (a Cloud Application Administrator or higher). Deleting it removes its permissions; the consent can be given again later from a new invite.`,
  };
}
