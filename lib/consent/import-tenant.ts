import "server-only";

import type { Db } from "@/lib/db/database";
import { recordConsentOutcome } from "@/lib/consent/record-outcome";
import { getTenant, type Tenant } from "@/lib/db/repositories/tenants";
import { AppError } from "@/lib/errors";
import { readOrganization } from "@/lib/graph/organization";
import type { OrganizationProfile } from "@/lib/graph/organization-profile";
import { acquireAppToken } from "@/lib/identity/app-token";
import { IdentityError } from "@/lib/identity/identity-error";
import { isTenantGuid } from "@/lib/identity/tenant-id";
import { canReadOrganization } from "@/lib/permissions/catalog";
import { NO_REQUEST_META, type Meta } from "@/lib/http/request-meta";

/**
 * Adds a tenant whose admin consented before Consentry was used (another tool, a raw
 * admin-consent link). As with a callback, nothing is recorded on the partner's word:
 * the consent is proven with an app-only token for the tenant first, and recorded by the
 * same function as a consent through the portal.
 */
export async function importConsentedTenant(
  db: Db,
  actor: string,
  tenantId: string,
  meta: Meta = NO_REQUEST_META,
  /** The customer's name as the partner knows it, for when Graph cannot tell it. */
  fallbackName: string | null = null,
): Promise<Tenant> {
  const id = tenantId.trim().toLowerCase();
  if (!isTenantGuid(id)) throw new AppError("invalid_tenant", "Enter the tenant ID (a GUID).");
  let token;
  try {
    token = await acquireAppToken(id, "graph", { fresh: true });
  } catch (error) {
    const failure = error instanceof IdentityError ? error.failure : null;
    if (failure?.aadsts && CONSENT_EXISTS_BUT_REFUSED.has(failure.aadsts)) {
      return recordImport(db, actor, id, meta, { roles: [], organization: null, fallbackName, refused: { code: `AADSTS${failure.aadsts}`, message: failure.description } });
    }
    const detail = failure ? failure.description : error instanceof Error ? error.message : String(error);
    throw new AppError("not_consented", `The app cannot get a token for ${id}, so it is not (or no longer) consented there: ${detail}`, { cause: error });
  }
  if (token.claims.tid !== id) throw new AppError("tid_mismatch", `The token was issued for ${token.claims.tid}, not ${id}.`);
  const roles = [...token.claims.roles].sort();
  const org = canReadOrganization(roles) ? await readOrganization(token.accessToken) : null;
  return recordImport(db, actor, id, meta, { roles, organization: org?.ok ? org.data : null, fallbackName });
}

/**
 * Token refusals for a reason of the tenant's: the app disabled there (AADSTS7000112) or Conditional
 * Access (AADSTS53003). They prove no consent (an app disabled at home answers 7000112 everywhere),
 * so the tenant is added unverified — listed, never counted as consented — and its probes say why,
 * instead of the import calling it "not consented".
 * @see https://learn.microsoft.com/entra/identity/enterprise-apps/disable-user-sign-in-portal
 * @see https://learn.microsoft.com/entra/identity/conditional-access/workload-identity
 */
const CONSENT_EXISTS_BUT_REFUSED = new Set([7000112, 53003]);

async function recordImport(
  db: Db,
  actor: string,
  id: string,
  meta: Meta,
  found: { roles: string[]; organization: OrganizationProfile | null; fallbackName: string | null; refused?: { code: string; message: string } },
): Promise<Tenant> {
  await recordConsentOutcome(db, {
    tenantId: id,
    attempt: null,
    result: { kind: "verified", ...found, permissionSetVersion: null, consentedBy: null },
    actor,
    action: "tenant.imported",
    meta,
  });
  const tenant = await getTenant(db, id);
  if (!tenant) throw new AppError("tenant_not_saved", `Tenant ${id} was not saved.`);
  return tenant;
}
