import "server-only";

import { z } from "zod";

import type { Db } from "@/lib/db/database";
import { customerNamesOf } from "@/lib/db/repositories/invites";
import { cursorParamSchema } from "@/lib/db/repositories/keyset";
import { listFailedTenantIdsOfBulkRun } from "@/lib/db/repositories/probe-runs";
import { failuresOfRuns, searchTenants, TENANT_SORTS } from "@/lib/db/repositories/tenant-search";
import { TENANT_STATUSES } from "@/lib/db/schema";
import { FINDING_IDS } from "@/lib/diagnosis/finding";
import { pageLimitParam, parseSearchParams, parseSearchParamsLeniently, searchTextParam } from "@/lib/http/search-params";
import { ALL_PROBE_KEYS } from "@/lib/probes/catalog";
import { needsReconsentSql, reconsentRule, tenantNeedsReconsent, type ReconsentRule } from "@/lib/tenants/needs-reconsent";

const PROBE_KEYS = ALL_PROBE_KEYS as [string, ...string[]];
const booleanText = z.enum(["true", "false"], { error: 'must be "true" or "false"' }).transform((v) => v === "true");

/**
 * The tenant list's query, from a URL's search parameters (the API, the dashboard, the CSV
 * export): validated here, so a forged parameter is a 422 naming it, never a crash.
 */
export const tenantListQuerySchema = z
  .object({
    q: searchTextParam,
    status: z.enum(TENANT_STATUSES, { error: `must be one of ${TENANT_STATUSES.join(", ")}` }).optional(),
    needsReconsent: booleanText.optional(),
    check: z.enum(["passing", "failing", "none"], { error: 'must be "passing", "failing" or "none"' }).optional(),
    failedInBulkRun: z.uuid({ error: "must be a bulk run ID" }).optional().describe("Only tenants whose checks failed in this bulk run."),
    permissionSetVersion: z.coerce.number({ error: "must be a version number" }).int("must be a version number").positive("must be a version number").optional(),
    failingProbe: z.enum(PROBE_KEYS, { error: "must name a probe (token, exchange-token, or a catalog key such as mail)" }).optional(),
    finding: z.enum(FINDING_IDS, { error: "must be a finding id such as mailbox_on_premises" }).optional(),
    sort: z.enum(TENANT_SORTS, { error: `must be one of ${TENANT_SORTS.join(", ")}` }).default("name"),
    limit: pageLimitParam(50),
    cursor: cursorParamSchema.optional(),
  })
  .strict();
export type TenantListQuery = z.output<typeof tenantListQuerySchema>;

/** One tenant as the API, the list and the CSV show it. */
export const tenantListItemSchema = z.object({
  id: z.string(),
  displayName: z.string().nullable(),
  /** The name on the invite that onboarded it. */
  customerName: z.string().nullable(),
  initialDomain: z.string().nullable(),
  defaultDomain: z.string().nullable(),
  status: z.enum(TENANT_STATUSES),
  consentedPermissionSetVersion: z.number().int().nullable(),
  /** Consented to an older permission set that lacks some of the app's permissions. */
  needsReconsent: z.boolean(),
  consentedAt: z.string().nullable(),
  verifiedAt: z.string().nullable(),
  lastCheck: z.object({ runId: z.string(), status: z.string(), startedAt: z.string() }).nullable(),
  /** Probes that failed in the latest run. */
  failingProbes: z.array(z.string()),
  /** Finding ids of the latest run's failures. */
  findings: z.array(z.string()),
});
export type TenantListItem = z.infer<typeof tenantListItemSchema>;

export const tenantListPageSchema = z.object({
  items: z.array(tenantListItemSchema),
  /** The `cursor` of the next page; null on the last one. */
  nextCursor: z.string().nullable(),
});

/** For a page, not an API: the query with every parameter that does not pass dropped, and why. */
export function readTenantListQueryLeniently(params: URLSearchParams): { query: TenantListQuery; ignored: string[] } {
  return parseSearchParamsLeniently(tenantListQuerySchema, params);
}

/** Reads URL search parameters into a query: repeated or unknown parameters are refused by name. */
export function parseTenantListQuery(params: URLSearchParams): TenantListQuery {
  return parseSearchParams(tenantListQuerySchema, params);
}

/** One page of the tenant list, with each tenant's customer, last check, failing probes and findings. */
export async function listTenantsPage(db: Db, query: TenantListQuery, only?: string[], rule?: ReconsentRule): Promise<{ items: TenantListItem[]; nextCursor: string | null }> {
  rule ??= await reconsentRule(db);
  if (query.failedInBulkRun && !only) only = await listFailedTenantIdsOfBulkRun(db, query.failedInBulkRun);
  const { rows, next } = await searchTenants(db, {
    q: query.q,
    status: query.status,
    permissionSetVersion: query.permissionSetVersion,
    needsReconsent: query.needsReconsent === undefined ? undefined : { condition: needsReconsentSql(rule), include: query.needsReconsent },
    failingProbe: query.failingProbe,
    finding: query.finding,
    check: query.check,
    ids: only,
    sort: query.sort,
    limit: query.limit,
    cursor: query.cursor,
  });
  const ids = rows.map((r) => r.tenant.id);
  const [customers, failures] = await Promise.all([customerNamesOf(db, ids), failuresOfRuns(db, rows.flatMap((r) => (r.lastCheck ? [r.lastCheck.runId] : [])))]);
  const items = rows.map(({ tenant: t, lastCheck }) => {
    const failed = lastCheck ? failures.get(lastCheck.runId) : undefined;
    return {
      id: t.id,
      displayName: t.displayName,
      customerName: customers.get(t.id) ?? null,
      initialDomain: t.initialDomain,
      defaultDomain: t.defaultDomain,
      status: t.status,
      consentedPermissionSetVersion: t.consentedPermissionSetVersion,
      needsReconsent: tenantNeedsReconsent(rule, t),
      consentedAt: t.consentedAt,
      verifiedAt: t.verifiedAt,
      lastCheck,
      failingProbes: failed?.probes ?? [],
      findings: failed?.findings ?? [],
    };
  });
  return { items, nextCursor: next };
}
