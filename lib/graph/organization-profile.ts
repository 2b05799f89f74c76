import { z } from "zod";

/** The answer of GET /v1.0/organization, as far as Consentry reads it. */
export const organizationAnswerSchema = z.object({
  value: z
    .array(
      z.object({
        id: z.string().optional(),
        displayName: z.string().nullable().optional(),
        verifiedDomains: z.array(z.object({ name: z.string(), isInitial: z.boolean().optional(), isDefault: z.boolean().optional() })).default([]),
      }),
    )
    .min(1),
});

export interface OrganizationProfile {
  displayName: string | null;
  initialDomain: string | null;
  defaultDomain: string | null;
}

/** The tenant's name and its initial (.onmicrosoft.com) and default domains, or null for another shape. */
export function parseOrganization(body: unknown): OrganizationProfile | null {
  const parsed = organizationAnswerSchema.safeParse(body);
  if (!parsed.success) return null;
  const org = parsed.data.value[0]!;
  return {
    displayName: org.displayName ?? null,
    initialDomain: org.verifiedDomains.find((d) => d.isInitial)?.name.toLowerCase() ?? null,
    defaultDomain: org.verifiedDomains.find((d) => d.isDefault)?.name.toLowerCase() ?? null,
  };
}
