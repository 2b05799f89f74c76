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
  const row = await db
    .selectFrom("tenants as t")
    .select([
      sql<number>`count(*)`.as("total"),
      sql<number>`sum(case when t.status = 'consented' then 1 else 0 end)`.as("consented"),
      sql<number>`sum(case when t.status = 'consented' and t.last_check_status = 'passed' then 1 else 0 end)`.as("passing"),
      sql<number>`sum(case when t.status = 'consented' and t.last_check_status in ('failed', 'error') then 1 else 0 end)`.as("failing"),
      sql<number>`sum(case when ${needsReconsentSql(rule)} then 1 else 0 end)`.as("needs_reconsent"),
      sql<number>`sum(case when t.status = 'failed' then 1 else 0 end)`.as("failed"),
      sql<number>`sum(case when t.status = 'verifying' then 1 else 0 end)`.as("verifying"),
      sql<number>`sum(case when t.status = 'revoked' then 1 else 0 end)`.as("revoked"),
      sql<number>`sum(case when t.status = 'deleted' then 1 else 0 end)`.as("deleted"),
    ])
    .executeTakeFirstOrThrow();
  const n = (v: unknown) => Number(v ?? 0);
  const consented = n(row.consented);
  const passing = n(row.passing);
  const failing = n(row.failing);
  return {
    total: n(row.total) - n(row.deleted),
    consented,
    passing,
    failing,
    notChecked: consented - passing - failing,
    needsReconsent: n(row.needs_reconsent),
    failed: n(row.failed),
    verifying: n(row.verifying),
    revoked: n(row.revoked),
    deleted: n(row.deleted),
    permissionSetVersion: rule.currentVersion,
  };
}
