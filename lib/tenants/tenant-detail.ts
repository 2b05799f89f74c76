import "server-only";

import { z } from "zod";

import type { Db } from "@/lib/db/database";
import { getTenant } from "@/lib/db/repositories/tenants";
import { AppError } from "@/lib/errors";
import { isTenantGuid } from "@/lib/identity/tenant-id";
import { getTenantProbesView } from "@/lib/probes/tenant-view";
import { findingSchema } from "@/lib/diagnosis/finding";
import { truthRowSchema } from "@/lib/probes/truth-table";
import { listTenantsPage, tenantListItemSchema } from "@/lib/tenants/tenant-list";

export const tenantDetailSchema = tenantListItemSchema.extend({
  testMailbox: z.string().nullable(),
  roles: z.array(z.string()),
  consentedBy: z.object({ name: z.string(), upn: z.string().nullable(), oid: z.string().nullable() }).nullable(),
  truthTable: z.array(truthRowSchema),
  /** Each probe's latest result, with its finding when it failed. */
  latestResults: z.array(
    z.object({ probe: z.string(), permission: z.string().nullable(), outcome: z.string(), httpStatus: z.number().int().nullable(), passes: z.number().int(), attempts: z.number().int(), finding: findingSchema.nullable() }),
  ),
});
export type TenantDetail = z.infer<typeof tenantDetailSchema>;

/** One tenant for the API: the list's fields, the truth table and the latest results with findings. */
export async function getTenantDetailForApi(db: Db, id: string): Promise<TenantDetail> {
  const tenantId = id.toLowerCase();
  const tenant = isTenantGuid(tenantId) ? await getTenant(db, tenantId) : null;
  if (!tenant || tenant.status === "deleted") throw new AppError("tenant_not_found", `No tenant ${id.slice(0, 40)} is onboarded.`);
  const [{ items }, probes] = await Promise.all([listTenantsPage(db, { q: tenantId, sort: "name", limit: 1 }), getTenantProbesView(tenantId)]);
  const item = items.find((i) => i.id === tenantId);
  if (!item) throw new AppError("tenant_not_found", `No tenant ${id.slice(0, 40)} is onboarded.`);
  return {
    ...item,
    testMailbox: tenant.testMailbox,
    roles: tenant.roles,
    consentedBy: tenant.consentedBy,
    truthTable: probes.truth,
    latestResults: (probes.latest?.lines ?? []).map((l) => ({ probe: l.probe, permission: l.permission, outcome: l.latest.outcome, httpStatus: l.latest.httpStatus, passes: l.passes, attempts: l.attempts, finding: l.finding })),
  };
}
