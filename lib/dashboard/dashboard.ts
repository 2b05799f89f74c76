import "server-only";

import { getDatabase } from "@/lib/db/database";
import { listAudit, type AuditEntry } from "@/lib/db/repositories/audit";
import { latestBulkRun, type BulkRun } from "@/lib/db/repositories/bulk-runs";
import { listConsentEvents, type ConsentEvent } from "@/lib/db/repositories/consent-events";
import { listInvites, type Invite } from "@/lib/db/repositories/invites";
import { getPermissionSet } from "@/lib/db/repositories/permission-sets";
import { countTenantsByStatus, getTenant, listTenants, type Tenant } from "@/lib/db/repositories/tenants";
import type { TenantStatus } from "@/lib/db/schema";
import { formatPermission } from "@/lib/permissions/catalog";
import { addedPermissions, currentPermissionSet, needsReconsent, permissionSetsByVersion } from "@/lib/permissions/permission-set";
import type { Partner } from "@/lib/session/partner-session";

export interface TenantRowView extends Tenant {
  inviteId: string | null;
  customerName: string | null;
  /** Status of the latest probe run. */
  lastCheck: string | null;
  /** Consented to an older permission set than the app's, which adds permissions. */
  needsReconsent: boolean;
}

/** Every tenant with status and last change, and the invite that onboarded it. */
export async function listTenantsForDashboard(
  _partner: Partner,
): Promise<{ tenants: TenantRowView[]; counts: Record<TenantStatus, number>; needingReconsent: number; currentVersion: number; latestBulk: BulkRun | null }> {
  const { db } = await getDatabase();
  const [tenants, invites, counts, latestBulk, current, sets] = await Promise.all([
    listTenants(db),
    listInvites(db, { limit: 100_000, onboardedOnly: true }),
    countTenantsByStatus(db),
    latestBulkRun(db),
    currentPermissionSet(db),
    permissionSetsByVersion(db),
  ]);
  const runIds = tenants.map((t) => t.lastProbeRunId).filter((id): id is string => id !== null);
  const runStatus = new Map<string, string>();
  for (let i = 0; i < runIds.length; i += 500) {
    const rows = await db.selectFrom("probe_runs").select(["id", "status"]).where("id", "in", runIds.slice(i, i + 500)).execute();
    for (const r of rows) runStatus.set(r.id, r.status);
  }
  const byTenant = new Map<string, Invite>();
  for (const invite of invites) if (invite.tenantId && !byTenant.has(invite.tenantId)) byTenant.set(invite.tenantId, invite);
  const rows = tenants.map((t) => ({
    ...t,
    inviteId: byTenant.get(t.id)?.id ?? null,
    customerName: byTenant.get(t.id)?.customerName ?? null,
    lastCheck: t.lastProbeRunId ? (runStatus.get(t.lastProbeRunId) ?? null) : null,
    needsReconsent: t.status === "consented" && needsReconsent(t.consentedPermissionSetVersion, sets, current),
  }));
  return { tenants: rows, counts, needingReconsent: rows.filter((t) => t.needsReconsent).length, currentVersion: current.version, latestBulk };
}

export interface TenantDetailView {
  tenant: Tenant;
  events: ConsentEvent[];
  invites: Invite[];
  consentedVersion: number | null;
  currentVersion: number;
  /** Permissions the current set adds to the consented one; non-empty means "needs re-consent". */
  added: string[];
  needsReconsent: boolean;
}

export async function getTenantDetail(_partner: Partner, tenantId: string): Promise<TenantDetailView | null> {
  if (!/^[0-9a-f-]{36}$/i.test(tenantId)) return null;
  const { db } = await getDatabase();
  const tenant = await getTenant(db, tenantId);
  if (!tenant) return null;
  const [events, invites, current] = await Promise.all([listConsentEvents(db, { tenantId, limit: 100 }), listInvites(db, { tenantId: tenant.id }), currentPermissionSet(db)]);
  const consentedSet = tenant.consentedPermissionSetVersion ? await getPermissionSet(db, tenant.consentedPermissionSetVersion) : null;
  const added = consentedSet && consentedSet.version < current.version ? addedPermissions(consentedSet, current).map(formatPermission) : [];
  return {
    tenant,
    events,
    invites,
    consentedVersion: consentedSet?.version ?? null,
    currentVersion: current.version,
    added,
    needsReconsent: added.length > 0,
  };
}

export async function listInvitesForDashboard(_partner: Partner): Promise<Invite[]> {
  const { db } = await getDatabase();
  return listInvites(db, { limit: 1000 });
}

export async function listAuditForDashboard(_partner: Partner, before?: string): Promise<AuditEntry[]> {
  const { db } = await getDatabase();
  return listAudit(db, { limit: 100, before });
}
