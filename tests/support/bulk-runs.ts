import type { Db } from "@/lib/db/database";
import type { NewProbeRun } from "@/lib/db/repositories/probe-runs";

/** The i-th test tenant's ID. */
export const bulkTenantId = (i: number) => `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`;

/** A finished run as the real prober returns it, for a bulk worker to record. */
export function passedRun(tenantId: string, bulkRunId: string): NewProbeRun {
  const now = new Date();
  return { tenantId, trigger: "bulk", iterations: 1, bulkRunId, status: "passed", startedAt: now, finishedAt: now, summary: {}, results: [] };
}

/** As if the tenant's lease had run out and another instance ("usurper") had claimed it. */
export async function takeLeaseOver(db: Db, bulkRunId: string, tenantId: string): Promise<void> {
  await db.updateTable("bulk_run_items").set({ lease_owner: "usurper", lease_expires_at: "2999-01-01T00:00:00.000Z" }).where("bulk_run_id", "=", bulkRunId).where("tenant_id", "=", tenantId).execute();
}
