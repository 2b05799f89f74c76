"use server";

import { headers } from "next/headers";
import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { z } from "zod";

import { getDb } from "@/lib/db/database";
import { actionErrorMessage } from "@/lib/errors";
import { reconsentLink, runProbesAsPartner, setTestMailbox, testMailboxSchema } from "@/lib/probes/tenant-actions";
import { firstProblem, iterationsField, tenantIdField } from "@/lib/http/form-fields";
import { inRequestContext } from "@/lib/log/request-context";
import { offboardTenant } from "@/lib/tenants/offboard";
import { MINIMUM_ROLE } from "@/lib/auth/roles";
import { requestOrigin } from "@/lib/http/request-meta";
import { requirePartnerForAction } from "@/lib/session/require-partner";

export interface ActionState {
  message?: string;
  error?: string;
  link?: string;
}

// Server action: run the tenant's probes once or N times.
export async function runProbesAction(_previous: ActionState, formData: FormData): Promise<ActionState> {
  const partner = await requirePartnerForAction(MINIMUM_ROLE.runProbes);
  const parsed = runProbesSchema.safeParse({ tenantId: formData.get("tenantId"), iterations: formData.get("iterations") ?? 1 });
  if (!parsed.success) return { error: firstProblem(parsed.error) };
  const { tenantId, iterations } = parsed.data;
  try {
    const { summary } = await inRequestContext(async () => runProbesAsPartner(await getDb(), partner, tenantId, iterations, requestOrigin(await headers())));
    revalidatePath(`/dashboard/tenants/${tenantId}`);
    const failed = Object.values(summary.probes).reduce((n, p) => n + p.fail, 0);
    return { message: failed ? `Probes ran: ${failed} failure(s); see the findings below.` : "Probes ran: everything passed." };
  } catch (error) {
    return { error: actionErrorMessage(error, "The probes could not run.") };
  }
}

// Server action: a new invite bound to this tenant, to grant what is missing.
export async function reconsentLinkAction(_previous: ActionState, formData: FormData): Promise<ActionState> {
  const partner = await requirePartnerForAction(MINIMUM_ROLE.makeReconsentLink);
  const parsed = tenantIdField.safeParse(formData.get("tenantId"));
  if (!parsed.success) return { error: firstProblem(parsed.error) };
  try {
    return { link: await reconsentLink(await getDb(), partner, parsed.data, requestOrigin(await headers())) };
  } catch (error) {
    return { error: actionErrorMessage(error, "No link could be made.") };
  }
}

// Server action: set (or clear) the mailbox the mail, calendar and contacts probes use.
export async function setTestMailboxAction(_previous: ActionState, formData: FormData): Promise<ActionState> {
  const partner = await requirePartnerForAction(MINIMUM_ROLE.setTestMailbox);
  const id = tenantIdField.safeParse(formData.get("tenantId"));
  if (!id.success) return { error: firstProblem(id.error) };
  const tenantId = id.data;
  const parsed = testMailboxSchema.safeParse(formData.get("mailbox") ?? "");
  if (!parsed.success) return { error: parsed.error.issues[0]?.message };
  await setTestMailbox(await getDb(), partner, tenantId, parsed.data, requestOrigin(await headers()));
  revalidatePath(`/dashboard/tenants/${tenantId}`);
  return { message: parsed.data ? `Test mailbox set to ${parsed.data}.` : "Test mailbox cleared; the next run picks one." };
}

const offboardSchema = z.object({ tenantId: tenantIdField, confirm: z.literal("yes") });
const runProbesSchema = z.object({ tenantId: tenantIdField, iterations: iterationsField });

// Server action: "Remove from Consentry" (after its confirmation step); then the list says what the customer does next.
export async function offboardTenantAction(formData: FormData): Promise<void> {
  const partner = await requirePartnerForAction(MINIMUM_ROLE.offboardTenant);
  const parsed = offboardSchema.safeParse({ tenantId: formData.get("tenantId"), confirm: formData.get("confirm") });
  if (!parsed.success) redirect("/dashboard");
  const removed = await offboardTenant(await getDb(), partner, parsed.data.tenantId, requestOrigin(await headers())).catch(() => null);
  redirect(removed ? `/dashboard?removed=${encodeURIComponent(removed.tenantId)}` : "/dashboard");
}
