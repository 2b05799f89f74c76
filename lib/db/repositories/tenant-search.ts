import "server-only";

import { sql, type RawBuilder, type SqlBool } from "kysely";

import type { Db } from "@/lib/db/database";
import type { TenantStatus } from "@/lib/db/schema";
import { afterCursor, decodeCursor, encodeCursor } from "@/lib/db/repositories/keyset";
import { containsPattern, LIKE_ESCAPE, prefixPattern } from "@/lib/db/repositories/like";
import { toTenant, type Tenant } from "@/lib/db/repositories/tenants";

export const TENANT_SORTS = ["name", "-name", "createdAt", "-createdAt", "lastCheck", "-lastCheck"] as const;
export type TenantSort = (typeof TENANT_SORTS)[number];

/**
 * What each sort orders by, with the tenant ID as the tie-break in the same direction. Each has an
 * index on exactly `(expression, id)` (migrations 8 and 11), so a page reads along it.
 */
const SORT_VALUES = {
  name: sql<string>`lower(coalesce(t.display_name, t.id))`,
  createdAt: sql<string>`t.created_at`,
  lastCheck: sql<string>`coalesce(t.last_check_at, '')`,
};

export interface TenantSearch {
  /** Part of the name, a domain, or the start of the tenant ID (case-insensitive). */
  q?: string;
  status?: TenantStatus;
  /** Only tenants that need re-consent (`include`), or only those that do not, by this SQL condition over `t`. */
  needsReconsent?: { condition: RawBuilder<SqlBool>; include: boolean };
  permissionSetVersion?: number;
  /** Only tenants whose latest run failed this probe. */
  failingProbe?: string;
  /** Only tenants whose latest run has this finding id. */
  finding?: string;
  /** Only these tenants (at most a few thousand). */
  ids?: string[];
  /** By the latest check: passed, failed (or ended in error), or never run. */
  check?: "passing" | "failing" | "none";
  sort: TenantSort;
  limit: number;
  /** Opaque: where the previous page ended. */
  cursor?: string;
}

export interface TenantSearchRow {
  tenant: Tenant;
  lastCheck: { runId: string; status: string; startedAt: string } | null;
}

/**
 * One page of tenants matching the filters, sorted, after `cursor`; one more than asked is read to
 * know whether another page follows. Deleted tenants only when asked for by status.
 */
export async function searchTenants(db: Db, search: TenantSearch): Promise<{ rows: TenantSearchRow[]; next: string | null }> {
  const rows = await tenantSearchQuery(db, search).execute();
  const page = rows.slice(0, search.limit);
  const last = page[page.length - 1];
  return {
    rows: page.map(({ sort_value: _, ...row }) => {
      const tenant = toTenant(row);
      const { lastProbeRunId: runId, lastCheckStatus: status, lastCheckAt: startedAt } = tenant;
      return { tenant, lastCheck: runId && status && startedAt ? { runId, status, startedAt } : null };
    }),
    next: rows.length > search.limit && last ? encodeCursor({ v: last.sort_value, id: last.id }) : null,
  };
}

/** The search's statement: whole tenant rows and their sort value, one more than a page (tests read its plan). */
export function tenantSearchQuery(db: Db, search: TenantSearch) {
  const descending = search.sort.startsWith("-");
  const sortValue = SORT_VALUES[search.sort.replace(/^-/, "") as keyof typeof SORT_VALUES];

  let query = db.selectFrom("tenants as t").selectAll("t").select(sortValue.as("sort_value"));
  query = search.status ? query.where("t.status", "=", search.status) : query.where("t.status", "!=", "deleted");
  if (search.q) {
    const [contains, prefix] = [containsPattern(search.q), prefixPattern(search.q)];
    query = query.where(
      sql<SqlBool>`(lower(coalesce(t.display_name, '')) like ${contains} ${LIKE_ESCAPE} or lower(coalesce(t.initial_domain, '')) like ${contains} ${LIKE_ESCAPE} or lower(coalesce(t.default_domain, '')) like ${contains} ${LIKE_ESCAPE} or t.id like ${prefix} ${LIKE_ESCAPE})`,
    );
  }
  if (search.check === "passing") query = query.where("t.last_check_status", "=", "passed");
  else if (search.check === "failing") query = query.where("t.last_check_status", "in", ["failed", "error"]);
  else if (search.check === "none") query = query.where("t.last_check_status", "is", null);
  if (search.ids) query = search.ids.length ? query.where("t.id", "in", search.ids) : query.where(sql<SqlBool>`1 = 0`);
  if (search.permissionSetVersion !== undefined) query = query.where("t.consented_permission_set_version", "=", search.permissionSetVersion);
  if (search.needsReconsent) {
    const { condition, include } = search.needsReconsent;
    query = query.where(include ? condition : sql<SqlBool>`not ${condition}`);
  }
  if (search.failingProbe) {
    const probe = search.failingProbe;
    query = query.where(({ exists, selectFrom }) => exists(selectFrom("probe_results as pr").select("pr.id").whereRef("pr.run_id", "=", "t.last_probe_run_id").where("pr.outcome", "=", "fail").where("pr.probe", "=", probe)));
  }
  if (search.finding) {
    // Findings are stored as JSON objects whose first member is their id (see toJson of a Finding).
    const pattern = `{"id":"${search.finding}"%`;
    query = query.where(({ exists, selectFrom }) => exists(selectFrom("probe_results as pr").select("pr.id").whereRef("pr.run_id", "=", "t.last_probe_run_id").where("pr.finding", "like", pattern)));
  }
  const after = search.cursor ? decodeCursor(search.cursor) : null;
  if (after) query = query.where(afterCursor(sortValue, sql<string>`t.id`, after, descending));
  const direction = descending ? "desc" : "asc";
  return query.orderBy(sortValue, direction).orderBy("t.id", direction).limit(search.limit + 1);
}

/** For the latest runs of a page of tenants: which probes failed and with which findings. */
export async function failuresOfRuns(db: Db, runIds: string[]): Promise<Map<string, { probes: string[]; findings: string[] }>> {
  const out = new Map<string, { probes: string[]; findings: string[] }>();
  if (runIds.length === 0) return out;
  const rows = await db.selectFrom("probe_results").select(["run_id", "probe", "finding"]).where("run_id", "in", runIds).where("outcome", "=", "fail").execute();
  for (const row of rows) {
    const entry = out.get(row.run_id) ?? { probes: [], findings: [] };
    if (!entry.probes.includes(row.probe)) entry.probes.push(row.probe);
    const id = row.finding ? /^\{"id":"([a-z_]+)"/.exec(row.finding)?.[1] : undefined;
    if (id && !entry.findings.includes(id)) entry.findings.push(id);
    out.set(row.run_id, entry);
  }
  return out;
}
