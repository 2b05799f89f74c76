"use server";

import { headers } from "next/headers";
import { redirect } from "next/navigation";

import { importConsentedTenant } from "@/lib/consent/import-tenant";
import { getDb } from "@/lib/db/database";
import { actionErrorMessage } from "@/lib/errors";
import { firstProblem, tenantIdField } from "@/lib/http/form-fields";
import { inRequestContext } from "@/lib/log/request-context";
import { MINIMUM_ROLE } from "@/lib/auth/roles";
import { requestOrigin } from "@/lib/http/request-meta";
import { requirePartnerForAction } from "@/lib/session/require-partner";

export interface ImportState {
  error?: string;
}

// Server action: add a tenant that consented before Consentry, proven with a token.
export async function importTenantAction(_previous: ImportState, formData: FormData): Promise<ImportState> {
  const partner = await requirePartnerForAction(MINIMUM_ROLE.importTenant);
  const parsed = tenantIdField.safeParse(formData.get("tenantId"));
  if (!parsed.success) return { error: firstProblem(parsed.error) };
  let tenantId: string;
  try {
    tenantId = (await inRequestContext(async () => importConsentedTenant(await getDb(), partner.username, parsed.data, requestOrigin(await headers())))).id;
  } catch (error) {
    return { error: actionErrorMessage(error, "The tenant could not be added.") };
  }
  redirect(`/dashboard/tenants/${tenantId}`);
}
