import "server-only";

import { z } from "zod";

import { getConfig } from "@/lib/config";
import { AppError } from "@/lib/errors";

import { isTenantDomain, isTenantGuid } from "@/lib/identity/tenant-id";

const metadataSchema = z.object({ issuer: z.string() });

/**
 * The tenant GUID behind a verified domain, from the tenant's OpenID metadata (whose
 * issuer names the GUID). Only a validated domain ever reaches the URL.
 * @see https://learn.microsoft.com/entra/identity-platform/v2-protocols-oidc#find-your-apps-openid-configuration-document-uri
 */
export async function resolveTenantId(domainOrGuid: string): Promise<string | null> {
  if (isTenantGuid(domainOrGuid)) return domainOrGuid.toLowerCase();
  if (!isTenantDomain(domainOrGuid)) throw new AppError("invalid_tenant_hint", `"${domainOrGuid.slice(0, 80)}" is neither a tenant ID nor a domain name.`);
  return readTenantIdFromMetadata(domainOrGuid);
}

/**
 * Whether the cloud knows a tenant GUID: Microsoft answers its OpenID metadata with
 * 400 (AADSTS90002) for a tenant that does not exist.
 */
export async function tenantExists(tenantId: string): Promise<boolean> {
  if (!isTenantGuid(tenantId)) return false;
  return (await readTenantIdFromMetadata(tenantId)) !== null;
}

async function readTenantIdFromMetadata(domainOrGuid: string): Promise<string | null> {
  const url = `${getConfig().cloud.authorityHost}/${encodeURIComponent(domainOrGuid.toLowerCase())}/v2.0/.well-known/openid-configuration`;
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(10_000), redirect: "error" });
  } catch (error) {
    throw new AppError("tenant_discovery_failed", `The identity platform could not be asked which tenant owns ${domainOrGuid}.`, { cause: error });
  }
  if (response.status === 400 || response.status === 404) return null;
  if (!response.ok) throw new AppError("tenant_discovery_failed", `The identity platform answered ${response.status} when asked which tenant owns ${domainOrGuid}.`);
  const parsed = metadataSchema.safeParse(await response.json().catch(() => null));
  const guid = parsed.success ? /\/([^/]+)\/v2\.0\/?$/.exec(parsed.data.issuer)?.[1] : undefined;
  return guid && isTenantGuid(guid) ? guid.toLowerCase() : null;
}
