/**
 * What may stand for a tenant in a URL: a GUID, or a DNS name (labels of letters,
 * digits and hyphens, at least one dot, no port or path). Validated before any use.
 */
/** A GUID's digits, for patterns that find one inside longer text (match case-insensitively). */
export const GUID_SOURCE = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
export const GUID_PATTERN = new RegExp(`^${GUID_SOURCE}$`, "i");
export const DOMAIN_PATTERN = /^(?=.{4,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;

/** A GUID (8-4-4-4-12 hexadecimal digits): the one check for tenant IDs, and for the portal's own record IDs. */
export function isGuid(value: string): boolean {
  return GUID_PATTERN.test(value);
}

export function isTenantGuid(value: string): boolean {
  return isGuid(value);
}

export function isTenantDomain(value: string): boolean {
  return DOMAIN_PATTERN.test(value);
}
