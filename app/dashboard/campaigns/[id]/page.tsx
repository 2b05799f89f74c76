import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";

import { reissueLinksAction } from "@/app/dashboard/campaigns/actions";
import { CampaignLinksButton } from "@/app/dashboard/campaigns/campaign-links";
import { TableHead } from "@/app/ui/table-head";
import { StatusBadge, When } from "@/app/ui/status-badge";
import { can, MINIMUM_ROLE } from "@/lib/auth/roles";
import { campaignProgress } from "@/lib/campaigns/campaigns";
import { getDb } from "@/lib/db/database";
import { requirePartner } from "@/lib/session/require-partner";

export const metadata: Metadata = { title: "Re-consent campaign" };

// GET /dashboard/campaigns/<id> — one campaign: each tenant's invite, opened, consented.
export default async function CampaignPage({ params }: { params: Promise<{ id: string }> }) {
  const partner = await requirePartner(MINIMUM_ROLE.viewDashboard);
  const campaign = await campaignProgress(await getDb(), (await params).id);
  if (!campaign) notFound();
  const open = campaign.rows.filter((r) => r.state !== "consented" && r.state !== "revoked" && r.state !== "expired").length;
  return (
    <>
      <h1 className="text-2xl font-semibold">Re-consent campaign</h1>
      <p className="mt-1 text-sm text-slate-600">
        Started <When iso={campaign.createdAt} /> by {campaign.createdBy}, for permission set version {campaign.permissionSetVersion}.
      </p>
      <p className="mt-3 text-sm" data-testid="campaign-progress">
        <strong>{campaign.sent}</strong> sent · <strong>{campaign.opened}</strong> opened · <strong>{campaign.consented}</strong> consented
        {campaign.sent && campaign.consented === campaign.sent ? <span className="ml-2 font-semibold text-emerald-800">— done</span> : null}
      </p>
      {can(partner.role, "manageInvites") && open > 0 ? (
        <CampaignLinksButton
          action={reissueLinksAction}
          campaignId={campaign.id}
          label={`New links for the ${open} not consented yet (CSV)`}
          pendingLabel="Making links…"
          warning="The links handed out before stop working for these invites."
        />
      ) : null}
      <div className="mt-4 overflow-x-auto">
        <table className="w-full text-sm" data-testid="campaign-invites">
          <TableHead columns={["Customer", "State", "Opened", "Consented"]} />
          <tbody>
            {campaign.rows.map((r) => (
              <tr key={r.inviteId} className="border-b border-slate-100" data-tenant={r.tenantId ?? ""}>
                <td className="py-2 pr-4">
                  {r.tenantId ? (
                    <Link href={`/dashboard/tenants/${r.tenantId}`} className="text-brand-700 hover:underline">
                      {r.customer}
                    </Link>
                  ) : (
                    r.customer
                  )}
                </td>
                <td className="py-2 pr-4">
                  <StatusBadge status={r.state} />
                </td>
                <td className="py-2 pr-4">
                  <When iso={r.openedAt} />
                </td>
                <td className="py-2 pr-4">
                  <When iso={r.consentedAt} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <Link href="/dashboard/campaigns" className="mt-6 inline-block text-brand-700 hover:underline">
        All campaigns
      </Link>
    </>
  );
}
