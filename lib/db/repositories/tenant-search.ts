import "server-only";

import { sql, type RawBuilder, type SqlBool } from "kysely";

import type { Db } from "@/lib/db/database";
import type { TenantStatus } from "@/lib/db/schema";
import { getTenants, type Tenant } from "@/lib/db/repositories/tenants";

export const TENANT_SORTS = ["name", "-name", "createdAt", "-createdAt", "lastCheck", "-lastCheck"] as const;
export type TenantSort = (typeof TENANT_SORTS)[number];

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

/** A page position: the last row's sort value and ID (keyset paging: stable under inserts, no OFFSET scans). */
interface Cursor {
  v: string | null;
  id: string;
}

export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify(cursor), "utf8").toString("base64url");
}

export function decodeCursor(text: string): Cursor | null {
  try {
    const value = JSON.parse(Buffer.from(text, "base64url").toString("utf8")) as unknown;
    if (typeof value !== "object" || value === null) return null;
    const { v, id } = value as { v?: unknown; id?: unknown };
    if ((v !== null && typeof v !== "string") || typeof id !== "string" || id.length > 64) return null;
    return { v, id };
  } catch {
    return null;
  }
}

/**
 * One page of tenants matching the filters, sorted, after `cursor`; one more than asked is read to
 * know whether another page follows. Deleted tenants only when asked for by status.
 */
export async function searchTenants(db: Db, search: TenantSearch): Promise<{ rows: TenantSearchRow[]; next: string | null }> {
  const descending = search.sort.startsWith("-");
  const field = search.sort.replace(/^-/, "") as "name" | "createdAt" | "lastCheck";
  const sortExpr =
    field === "name" ? sql<string>`lower(coalesce(t.display_name, t.id))` : field === "createdAt" ? sql<string>`t.created_at` : sql<string>`coalesce(r.started_at, '')`;

  let query = db
    .selectFrom("tenants as t")
    .leftJoin("probe_runs as r", "r.id", "t.last_probe_run_id")
    .select(["t.id as id", "r.id as run_id", "r.status as run_status", "r.started_at as run_started_at", sortExpr.as("sort_value")]);
  query = search.status ? query.where("t.status", "=", search.status) : query.where("t.status", "!=", "deleted");
  if (search.q) {
    const like = `%${search.q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    const prefix = `${search.q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    query = query.where(
      sql<SqlBool>`(lower(coalesce(t.display_name, '')) like ${like} escape '\\' or lower(coalesce(t.initial_domain, '')) like ${like} escape '\\' or lower(coalesce(t.default_domain, '')) like ${like} escape '\\' or t.id like ${prefix} escape '\\')`,
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
  if (after) {
    const v = after.v ?? "";
    query = descending
      ? query.where(sql<SqlBool>`(${sortExpr} < ${v} or (${sortExpr} = ${v} and t.id > ${after.id}))`)
      : query.where(sql<SqlBool>`(${sortExpr} > ${v} or (${sortExpr} = ${v} and t.id > ${after.id}))`);
  }
  const rows = await query
    .orderBy(sortExpr, descending ? "desc" : "asc")
    .orderBy("t.id", "asc")
    .limit(search.limit + 1)
    .execute();
  const page = rows.slice(0, search.limit);
  const tenants = new Map((await getTenants(db, page.map((r) => r.id))).map((t) => [t.id, t]));
  const last = page[page.length - 1];
  return {
    rows: page.flatMap((r) => {
      const tenant = tenants.get(r.id);
      if (!tenant) return [];
      return [{ tenant, lastCheck: r.run_id && r.run_status && r.run_started_at ? { runId: r.run_id, status: r.run_status, startedAt: r.run_started_at } : null }];
    }),
    next: rows.length > search.limit && last ? encodeCursor({ v: (last.sort_value as string | null) ?? null, id: last.id }) : null,
  };
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
