import "server-only";

import { getDb } from "@/lib/db/database";
import { latestBulkRun, type BulkRun } from "@/lib/db/repositories/bulk-runs";
import { FINDING_IDS } from "@/lib/diagnosis/finding";
import { currentPermissionSet } from "@/lib/permissions/permission-set";
import { probesFor } from "@/lib/probes/catalog";
import { reconsentRule } from "@/lib/tenants/needs-reconsent";
import { countTenants, type TenantCounts } from "@/lib/tenants/tenant-counts";
import { listTenantsPage, readTenantListQueryLeniently, type TenantListItem, type TenantListQuery } from "@/lib/tenants/tenant-list";

export interface TenantListView {
  query: TenantListQuery;
  /** Parameters of the link that were ignored, and why. */
  ignored: string[];
  items: TenantListItem[];
  nextCursor: string | null;
  counts: TenantCounts;
  latestBulk: { id: string; status: BulkRun["status"]; finishedAt: string | null; total: number } | null;
  /** The filters' choices. */
  findingIds: readonly string[];
  probes: { key: string; title: string }[];
}

/** The dashboard's tenant list: one page of the search (50 by default), the counts, the latest bulk run and the filters' choices. */
export async function getTenantListView(params: URLSearchParams): Promise<TenantListView> {
  const db = await getDb();
  const { query, ignored } = readTenantListQueryLeniently(params);
  // The re-consent rule is read once for the page and the counts.
  const current = await currentPermissionSet(db);
  const rule = await reconsentRule(db, current);
  const permissions = current.permissions.map((p) => ({ resource: p.resource, value: p.value }));
  // Read together: on PostgreSQL each is a round trip.
  const [page, counts, latestBulk] = await Promise.all([listTenantsPage(db, query, undefined, rule), countTenants(db, rule), latestBulkRun(db)]);
  return {
    query,
    ignored,
    items: page.items,
    nextCursor: page.nextCursor,
    counts,
    latestBulk: latestBulk ? { id: latestBulk.id, status: latestBulk.status, finishedAt: latestBulk.finished_at, total: latestBulk.total } : null,
    findingIds: FINDING_IDS,
    // The probes this app runs (its permission set's), not the whole catalog.
    probes: [{ key: "token", title: "App-only token (Graph)" }, ...probesFor(permissions).map((p) => ({ key: p.key, title: `${p.title} (${p.permission})` }))],
  };
}
