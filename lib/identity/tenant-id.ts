/**
 * What may stand for a tenant in a URL: a GUID, or a DNS name (labels of letters,
 * digits and hyphens, at least one dot, no port or path). Validated before any use.
 */
export const GUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const DOMAIN_PATTERN = /^(?=.{4,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;

export function isTenantGuid(value: string): boolean {
  return GUID_PATTERN.test(value);
}

export function isTenantDomain(value: string): boolean {
  return DOMAIN_PATTERN.test(value);
}
