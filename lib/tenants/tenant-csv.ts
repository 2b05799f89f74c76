import "server-only";

import { csvRow } from "@/lib/csv";
import type { Db } from "@/lib/db/database";
import { listTenantsPage, type TenantListQuery } from "@/lib/tenants/tenant-list";

export const TENANT_CSV_COLUMNS = ["customer", "tenant_id", "initial_domain", "status", "permission_set_version", "needs_reconsent", "last_check", "last_check_at", "failing_probes", "finding_ids"];

/**
 * Every tenant matching the query as CSV, read a page of 500 at a time and written as it is
 * read, so 10,000 tenants never sit in memory at once. `limit` and `cursor` are the export's own.
 */
export function tenantCsvStream(db: Db, query: Omit<TenantListQuery, "limit" | "cursor">): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let cursor: string | undefined;
  let started = false;
  let done = false;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!started) {
        started = true;
        controller.enqueue(encoder.encode(csvRow(TENANT_CSV_COLUMNS)));
        return;
      }
      if (done) return controller.close();
      const page = await listTenantsPage(db, { ...query, limit: 500, cursor });
      const text = page.items
        .map((t) =>
          csvRow([
            t.customerName ?? t.displayName ?? "",
            t.id,
            t.initialDomain,
            t.status,
            t.consentedPermissionSetVersion,
            t.needsReconsent,
            t.lastCheck?.status ?? "",
            t.lastCheck?.startedAt ?? "",
            t.failingProbes.join(" "),
            t.findings.join(" "),
          ]),
        )
        .join("");
      if (text) controller.enqueue(encoder.encode(text));
      cursor = page.nextCursor ?? undefined;
      if (!cursor) done = true;
    },
  });
}
