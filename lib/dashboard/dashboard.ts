import "server-only";

import { getDb } from "@/lib/db/database";
import { listConsentEvents, type ConsentEvent } from "@/lib/db/repositories/consent-events";
import { listInvitesOfTenant, type Invite } from "@/lib/db/repositories/invites";
import { getPermissionSet } from "@/lib/db/repositories/permission-sets";
import { getTenant, type Tenant } from "@/lib/db/repositories/tenants";
import { formatPermission } from "@/lib/permissions/catalog";
import { addedPermissions, currentPermissionSet } from "@/lib/permissions/permission-set";
import type { Partner } from "@/lib/session/partner-session";
import { isTenantGuid } from "@/lib/identity/tenant-id";

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
  if (!isTenantGuid(tenantId)) return null;
  const db = await getDb();
  const tenant = await getTenant(db, tenantId);
  if (!tenant) return null;
  const [events, invites, current] = await Promise.all([listConsentEvents(db, { tenantId, limit: 100 }), listInvitesOfTenant(db, tenant.id), currentPermissionSet(db)]);
  const consentedSet = tenant.consentedPermissionSetVersion ? await getPermissionSet(db, tenant.consentedPermissionSetVersion) : null;
  // Without a recorded version (a tenant that consented before Consentry), what its token lacks.
  const added =
    consentedSet && consentedSet.version < current.version
      ? addedPermissions(consentedSet, current).map(formatPermission)
      : !consentedSet && tenant.status === "consented" && tenant.roles.length > 0
        ? current.permissions.filter((p) => p.resource === "graph" && !tenant.roles.includes(p.value)).map(formatPermission)
        : [];
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
