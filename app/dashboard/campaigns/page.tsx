import type { Metadata } from "next";
import Link from "next/link";

import { startCampaignAction } from "@/app/dashboard/campaigns/actions";
import { CampaignLinksButton } from "@/app/dashboard/campaigns/campaign-links";
import { TableHead } from "@/app/ui/table-head";
import { When } from "@/app/ui/status-badge";
import { can, MINIMUM_ROLE } from "@/lib/auth/roles";
import { listCampaigns } from "@/lib/campaigns/campaigns";
import { getDb } from "@/lib/db/database";
import { requirePartner } from "@/lib/session/require-partner";
import { countTenants } from "@/lib/tenants/tenant-counts";

export const metadata: Metadata = { title: "Re-consent campaigns" };

// GET /dashboard/campaigns — when the app's permissions grow: who needs re-consent, campaigns and their progress.
export default async function CampaignsPage() {
  const partner = await requirePartner(MINIMUM_ROLE.viewDashboard);
  const db = await getDb();
  const [counts, campaigns] = await Promise.all([countTenants(db), listCampaigns(db)]);
  return (
    <>
      <h1 className="text-2xl font-semibold">Re-consent campaigns</h1>
      <p className="mt-1 max-w-3xl text-sm text-slate-600">
        When the app registration gains permissions, tenants that consented before must consent again. A campaign makes one invite per such tenant (keeping a tenant&rsquo;s
        unused invite for the same permissions, with a fresh link), gives you their links as a CSV for a mail merge, and follows who opened and who consented.
      </p>
      <p className="mt-4 text-sm">
        <Link href="/dashboard?needsReconsent=true" className="font-semibold text-amber-800 hover:underline" data-testid="campaign-needing">
          {counts.needsReconsent} tenant{counts.needsReconsent === 1 ? "" : "s"} need{counts.needsReconsent === 1 ? "s" : ""} re-consent
        </Link>{" "}
        for permission set version {counts.permissionSetVersion}.
      </p>
      {can(partner.role, "manageInvites") && counts.needsReconsent > 0 ? (
        <CampaignLinksButton action={startCampaignAction} label={`Start a campaign for ${counts.needsReconsent} tenant${counts.needsReconsent === 1 ? "" : "s"}`} pendingLabel="Making invites…" />
      ) : null}
      <h2 className="mt-8 text-lg font-semibold">Campaigns</h2>
      {campaigns.length === 0 ? (
        <p className="mt-2 text-sm text-slate-600">None yet.</p>
      ) : (
        <div className="mt-2 overflow-x-auto">
          <table className="w-full text-sm" data-testid="campaigns">
            <TableHead columns={["Started", "Version", "Sent", "Opened", "Consented"]} />
            <tbody>
              {campaigns.map((c) => (
                <tr key={c.id} className="border-b border-slate-100">
                  <td className="py-2 pr-4">
                    <Link href={`/dashboard/campaigns/${c.id}`} className="text-brand-700 hover:underline">
                      <When iso={c.createdAt} />
                    </Link>
                    <div className="text-xs text-slate-500">by {c.createdBy}</div>
                  </td>
                  <td className="py-2 pr-4">{c.permissionSetVersion}</td>
                  <td className="py-2 pr-4">{c.sent}</td>
                  <td className="py-2 pr-4">{c.opened}</td>
                  <td className="py-2 pr-4">
                    {c.consented} of {c.sent}
                    {c.sent && c.consented === c.sent ? <span className="ml-2 text-emerald-800">done</span> : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
