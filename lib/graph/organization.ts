import "server-only";

import { graphGet, type GraphResult } from "@/lib/graph/graph-client";
import { organizationAnswerSchema, parseOrganization, type OrganizationProfile } from "@/lib/graph/organization-profile";

export type { OrganizationProfile };

/** The tenant's name and its initial (.onmicrosoft.com) and default domains (Organization.Read.All). */
export async function readOrganization(accessToken: string): Promise<GraphResult<OrganizationProfile>> {
  const result = await graphGet(accessToken, "/organization?$select=id,displayName,verifiedDomains", organizationAnswerSchema);
  return result.ok ? { ...result, data: parseOrganization(result.data)! } : result;
}
