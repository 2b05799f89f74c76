import "server-only";

import { z } from "zod";

import { graphGet, type GraphResult } from "@/lib/graph/graph-client";

const organizationSchema = z.object({
  value: z
    .array(
      z.object({
        id: z.string(),
        displayName: z.string().nullable().optional(),
        verifiedDomains: z.array(z.object({ name: z.string(), isInitial: z.boolean().optional(), isDefault: z.boolean().optional() })).default([]),
      }),
    )
    .min(1),
});

export interface OrganizationProfile {
  id: string;
  displayName: string | null;
  initialDomain: string | null;
  defaultDomain: string | null;
}

/** The tenant's name and its initial (.onmicrosoft.com) and default domains (Organization.Read.All). */
export async function readOrganization(accessToken: string): Promise<GraphResult<OrganizationProfile>> {
  const result = await graphGet(accessToken, "/organization?$select=id,displayName,verifiedDomains", organizationSchema);
  if (!result.ok) return result;
  const org = result.data.value[0]!;
  return {
    ...result,
    data: {
      id: org.id.toLowerCase(),
      displayName: org.displayName ?? null,
      initialDomain: org.verifiedDomains.find((d) => d.isInitial)?.name.toLowerCase() ?? null,
      defaultDomain: org.verifiedDomains.find((d) => d.isDefault)?.name.toLowerCase() ?? null,
    },
  };
}
