"use server";

import { headers } from "next/headers";
import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { z } from "zod";

import { getDb } from "@/lib/db/database";
import { inviteIdField } from "@/lib/http/form-fields";
import { listHref } from "@/lib/http/search-params";
import { readInviteListQueryLeniently } from "@/lib/invites/invite-list";
import { createInvite, inviteInputSchema, renewInviteLink, revokeInviteAsPartner } from "@/lib/invites/invites";
import { MINIMUM_ROLE } from "@/lib/auth/roles";
import { requestOrigin } from "@/lib/http/request-meta";
import { requirePartnerForAction } from "@/lib/session/require-partner";

export interface CreateInviteState {
  errors?: { customerName?: string[]; tenantHint?: string[] };
  message?: string;
  link?: string;
  customerName?: string;
  /** What was typed, kept when it did not pass so nothing has to be typed again. */
  values?: { customerName: string; tenantHint: string };
}

// Server action: create an invite; returns field errors, or the link (shown once).
export async function createInviteAction(_previous: CreateInviteState, formData: FormData): Promise<CreateInviteState> {
  const partner = await requirePartnerForAction(MINIMUM_ROLE.manageInvites);
  const values = { customerName: String(formData.get("customerName") ?? "").slice(0, 500), tenantHint: String(formData.get("tenantHint") ?? "").slice(0, 500) };
  const parsed = inviteInputSchema.safeParse(values);
  if (!parsed.success) {
    const flat = z.flattenError(parsed.error).fieldErrors;
    return { errors: { customerName: flat.customerName, tenantHint: flat.tenantHint }, message: "Check the highlighted fields.", values };
  }
  const { invite, link } = await createInvite(await getDb(), partner, parsed.data, requestOrigin(await headers()));
  revalidatePath("/dashboard/invites");
  return { link, customerName: invite.customerName, message: `Invite for ${invite.customerName} created.` };
}

const revokeSchema = z.object({ inviteId: inviteIdField, confirm: z.literal("yes"), back: z.string().max(1000).optional() });

/** The list the person revoked from (its search, state and page), read from the form's `back` query; nothing else passes. */
function backToList(back: string | undefined, change: Record<string, string>): string {
  const { query } = readInviteListQueryLeniently(new URLSearchParams(back ?? ""));
  return listHref("/dashboard/invites", { ...query }, change);
}

// Server action: revoke an invite, after its confirmation step (the link stops working at once).
export async function revokeInviteAction(formData: FormData): Promise<void> {
  const partner = await requirePartnerForAction(MINIMUM_ROLE.manageInvites);
  const parsed = revokeSchema.safeParse({ inviteId: formData.get("inviteId"), confirm: formData.get("confirm"), back: formData.get("back") ?? undefined });
  if (!parsed.success) redirect("/dashboard/invites");
  await revokeInviteAsPartner(await getDb(), partner, parsed.data.inviteId, requestOrigin(await headers()));
  revalidatePath("/dashboard/invites");
  redirect(backToList(parsed.data.back, { revoked: "1" }));
}

export interface RenewState {
  link?: string;
  message?: string;
}

// Server action: replace an invite's link (the old one stops working).
export async function renewInviteAction(_previous: RenewState, formData: FormData): Promise<RenewState> {
  const partner = await requirePartnerForAction(MINIMUM_ROLE.manageInvites);
  const parsed = inviteIdField.safeParse(formData.get("inviteId"));
  if (!parsed.success) return { message: "This invite can no longer be renewed." };
  const link = await renewInviteLink(await getDb(), partner, parsed.data, requestOrigin(await headers()));
  revalidatePath("/dashboard/invites");
  return link ? { link } : { message: "This invite can no longer be renewed." };
}
