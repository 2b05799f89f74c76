import "server-only";

import { z } from "zod";

import { getConfig } from "@/lib/config";
import { AppError } from "@/lib/errors";

export const GUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** A DNS name: labels of letters, digits and hyphens, at least one dot, no port or path. */
export const DOMAIN_PATTERN = /^(?=.{4,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;

export function isTenantGuid(value: string): boolean {
  return GUID_PATTERN.test(value);
}

export function isTenantDomain(value: string): boolean {
  return DOMAIN_PATTERN.test(value);
}

const metadataSchema = z.object({ issuer: z.string() });

/**
 * The tenant GUID behind a verified domain, from the tenant's OpenID metadata (whose
 * issuer names the GUID). Only a validated domain ever reaches the URL.
 * @see https://learn.microsoft.com/entra/identity-platform/v2-protocols-oidc#find-your-apps-openid-configuration-document-uri
 */
export async function resolveTenantId(domainOrGuid: string): Promise<string | null> {
  if (isTenantGuid(domainOrGuid)) return domainOrGuid.toLowerCase();
  if (!isTenantDomain(domainOrGuid)) throw new AppError("invalid_tenant_hint", `"${domainOrGuid.slice(0, 80)}" is neither a tenant ID nor a domain name.`, { status: 400 });
  const url = `${getConfig().cloud.authorityHost}/${encodeURIComponent(domainOrGuid.toLowerCase())}/v2.0/.well-known/openid-configuration`;
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(10_000), redirect: "error" });
  } catch (error) {
    throw new AppError("tenant_discovery_failed", `The identity platform could not be asked which tenant owns ${domainOrGuid}.`, { status: 502, cause: error });
  }
  if (response.status === 400 || response.status === 404) return null;
  if (!response.ok) throw new AppError("tenant_discovery_failed", `The identity platform answered ${response.status} when asked which tenant owns ${domainOrGuid}.`, { status: 502 });
  const parsed = metadataSchema.safeParse(await response.json().catch(() => null));
  const guid = parsed.success ? /\/([0-9a-f-]{36})\/v2\.0\/?$/i.exec(parsed.data.issuer)?.[1] : undefined;
  return guid && isTenantGuid(guid) ? guid.toLowerCase() : null;
}
