"use server";

import { headers } from "next/headers";
import { revalidatePath } from "next/cache";

import { getDb } from "@/lib/db/database";
import { createInvite, inviteInputSchema, renewInviteLink, revokeInviteAsPartner } from "@/lib/invites/invites";
import { MINIMUM_ROLE } from "@/lib/auth/roles";
import { requestOrigin } from "@/lib/session/partner-session";
import { requirePartnerForAction } from "@/lib/session/require-partner";

export interface CreateInviteState {
  errors?: { customerName?: string[]; tenantHint?: string[] };
  message?: string;
  link?: string;
  customerName?: string;
}

// Server action: create an invite; returns field errors, or the link (shown once).
export async function createInviteAction(_previous: CreateInviteState, formData: FormData): Promise<CreateInviteState> {
  const partner = await requirePartnerForAction(MINIMUM_ROLE.manageInvites);
  const parsed = inviteInputSchema.safeParse({ customerName: formData.get("customerName") ?? "", tenantHint: formData.get("tenantHint") ?? "" });
  if (!parsed.success) {
    const flat = parsed.error.flatten().fieldErrors;
    return { errors: { customerName: flat.customerName, tenantHint: flat.tenantHint }, message: "Check the highlighted fields." };
  }
  const { invite, link } = await createInvite(await getDb(), partner, parsed.data, requestOrigin(await headers()));
  revalidatePath("/dashboard/invites");
  return { link, customerName: invite.customerName, message: `Invite for ${invite.customerName} created.` };
}

// Server action: revoke an invite.
export async function revokeInviteAction(formData: FormData): Promise<void> {
  const partner = await requirePartnerForAction(MINIMUM_ROLE.manageInvites);
  const id = String(formData.get("inviteId") ?? "");
  await revokeInviteAsPartner(await getDb(), partner, id, requestOrigin(await headers()));
  revalidatePath("/dashboard/invites");
}

export interface RenewState {
  link?: string;
  message?: string;
}

// Server action: replace an invite's link (the old one stops working).
export async function renewInviteAction(_previous: RenewState, formData: FormData): Promise<RenewState> {
  const partner = await requirePartnerForAction(MINIMUM_ROLE.manageInvites);
  const link = await renewInviteLink(await getDb(), partner, String(formData.get("inviteId") ?? ""), requestOrigin(await headers()));
  revalidatePath("/dashboard/invites");
  return link ? { link } : { message: "This invite can no longer be renewed." };
}
