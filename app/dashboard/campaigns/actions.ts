"use server";

import { headers } from "next/headers";
import { revalidatePath } from "next/cache";
import { z } from "zod";

import { campaignCsv, reissueCampaignLinks, startCampaign } from "@/lib/campaigns/campaigns";
import { MINIMUM_ROLE } from "@/lib/auth/roles";
import { getDb } from "@/lib/db/database";
import { actionErrorMessage } from "@/lib/errors";
import { requestOrigin } from "@/lib/http/request-meta";
import { requirePartnerForAction } from "@/lib/session/require-partner";

/** The links exist only in this answer: the page offers them as a CSV download at once. */
export type CampaignLinksState = { kind: "empty" } | { kind: "links"; campaignId: string; csv: string; count: number } | { kind: "error"; message: string };

// Server action: start a re-consent campaign (one invite per tenant that needs it) and hand out its links.
export async function startCampaignAction(_previous: CampaignLinksState): Promise<CampaignLinksState> {
  const partner = await requirePartnerForAction(MINIMUM_ROLE.manageInvites);
  try {
    const { campaign, links } = await startCampaign(await getDb(), partner, requestOrigin(await headers()));
    revalidatePath("/dashboard/campaigns");
    return { kind: "links", campaignId: campaign.id, csv: campaignCsv(links), count: links.length };
  } catch (error) {
    return { kind: "error", message: actionErrorMessage(error, "The campaign could not be started.") };
  }
}

const reissueSchema = z.object({ campaignId: z.uuid() });

// Server action: fresh links for the invites not yet consented (the earlier ones stop working).
export async function reissueLinksAction(_previous: CampaignLinksState, formData: FormData): Promise<CampaignLinksState> {
  const partner = await requirePartnerForAction(MINIMUM_ROLE.manageInvites);
  const parsed = reissueSchema.safeParse({ campaignId: formData.get("campaignId") });
  if (!parsed.success) return { kind: "error", message: "No such campaign." };
  try {
    const links = await reissueCampaignLinks(await getDb(), partner, parsed.data.campaignId, requestOrigin(await headers()));
    return { kind: "links", campaignId: parsed.data.campaignId, csv: campaignCsv(links), count: links.length };
  } catch (error) {
    return { kind: "error", message: actionErrorMessage(error, "No links could be made.") };
  }
}
