import type { AdminConsentVersion, CloudEndpoints } from "@/lib/config";
import { AppError } from "@/lib/errors";
import { isTenantDomain, isTenantGuid } from "@/lib/identity/tenant-id";


export interface AdminConsentRequest {
  cloud: Pick<CloudEndpoints, "loginHost" | "graphResource" | "exchangeResource">;
  clientId: string;
  redirectUri: string;
  state: string;
  /** The tenant the invite names (GUID or domain); null lets the admin's own tenant answer. */
  tenant: string | null;
  version: AdminConsentVersion;
  /** v2 only: the resources whose configured permissions are requested. */
  resources: ("graph" | "exchange")[];
}

/**
 * The admin-consent URL of the configured cloud. v1 consents to every permission on
 * the app registration across resources; v2 to the `/.default` of each resource in
 * `scope`. Without a tenant, v1 uses `common` and v2 `organizations`, as documented.
 * @see https://learn.microsoft.com/entra/identity-platform/v2-admin-consent
 */
export function buildAdminConsentUrl(request: AdminConsentRequest): string {
  const tenant = request.tenant ?? (request.version === "v1" ? "common" : "organizations");
  if (!isTenantGuid(tenant) && !isTenantDomain(tenant) && tenant !== "common" && tenant !== "organizations") {
    throw new AppError("invalid_tenant_hint", `"${tenant.slice(0, 80)}" cannot be used as a tenant in a consent URL.`);
  }
  if (request.version === "v2" && tenant === "common") throw new AppError("invalid_tenant_hint", "The v2 admin-consent endpoint does not accept common.");
  const path = request.version === "v1" ? "adminconsent" : "v2.0/adminconsent";
  const url = new URL(`${request.cloud.loginHost}/${encodeURIComponent(tenant.toLowerCase())}/${path}`);
  url.searchParams.set("client_id", request.clientId);
  if (request.version === "v2") {
    const resources = request.resources.length ? request.resources : ["graph"];
    const scope = [...new Set(resources)].map((r) => `${r === "graph" ? request.cloud.graphResource : request.cloud.exchangeResource}/.default`).join(" ");
    url.searchParams.set("scope", scope);
  }
  url.searchParams.set("redirect_uri", request.redirectUri);
  url.searchParams.set("state", request.state);
  return url.toString();
}
