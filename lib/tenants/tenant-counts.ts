import "server-only";

import { sql } from "kysely";

import type { Db } from "@/lib/db/database";
import { needsReconsentSql, reconsentRule, type ReconsentRule } from "@/lib/tenants/needs-reconsent";

/**
 * The dashboard's counts, from one query, so they agree with each other: consented tenants are
 * exactly those passing their last check, failing it, or not checked yet; needing re-consent is a
 * subset of consented; failed (consent never verified), revoked and deleted are apart.
 */
export interface TenantCounts {
  total: number;
  consented: number;
  passing: number;
  failing: number;
  notChecked: number;
  needsReconsent: number;
  failed: number;
  verifying: number;
  revoked: number;
  deleted: number;
  permissionSetVersion: number;
}

export async function countTenants(db: Db, rule?: ReconsentRule): Promise<TenantCounts> {
  rule ??= await reconsentRule(db);
  // One query, grouped by the two columns the counts split on: it reads only tenants_counts_idx.
  const groups = await db
    .selectFrom("tenants as t")
    .select(["t.status", "t.last_check_status", sql<number>`count(*)`.as("n"), sql<number>`sum(case when ${needsReconsentSql(rule)} then 1 else 0 end)`.as("needs_reconsent")])
    .groupBy(["t.status", "t.last_check_status"])
    .execute();
  const sum = (keep: (g: (typeof groups)[number]) => boolean, value: (g: (typeof groups)[number]) => unknown = (g) => g.n) =>
    groups.filter(keep).reduce((total, g) => total + Number(value(g) ?? 0), 0);
  const consented = sum((g) => g.status === "consented");
  const passing = sum((g) => g.status === "consented" && g.last_check_status === "passed");
  const failing = sum((g) => g.status === "consented" && (g.last_check_status === "failed" || g.last_check_status === "error"));
  const deleted = sum((g) => g.status === "deleted");
  return {
    total: sum(() => true) - deleted,
    consented,
    passing,
    failing,
    notChecked: consented - passing - failing,
    needsReconsent: sum(() => true, (g) => g.needs_reconsent),
    failed: sum((g) => g.status === "failed"),
    verifying: sum((g) => g.status === "verifying"),
    revoked: sum((g) => g.status === "revoked"),
    deleted,
    permissionSetVersion: rule.currentVersion,
  };
}
