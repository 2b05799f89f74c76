import type { Metadata } from "next";
import Link from "next/link";

import { revokeInviteAction } from "@/app/dashboard/invites/actions";
import { InviteForm, RenewButton } from "@/app/dashboard/invites/invite-form";
import { StatusBadge, When } from "@/app/ui/status-badge";
import { TableHead } from "@/app/ui/table-head";
import { listInvitesForDashboard } from "@/lib/dashboard/dashboard";
import { can, MINIMUM_ROLE } from "@/lib/auth/roles";
import { requirePartner } from "@/lib/session/require-partner";

export const metadata: Metadata = { title: "Invites" };

// GET /dashboard/invites — create, copy, renew and revoke invite links.
export default async function InvitesPage() {
  const partner = await requirePartner(MINIMUM_ROLE.viewDashboard);
  const invites = await listInvitesForDashboard(partner);
  return (
    <>
      <h1 className="text-2xl font-semibold">Invites</h1>
      {can(partner.role, "manageInvites") ? (
        <div className="mt-4">
          <InviteForm />
        </div>
      ) : (
        <p className="mt-2 text-sm text-slate-600">Creating, renewing and revoking invites needs the Operator role; your role can see them.</p>
      )}
      <table className="mt-8 w-full text-sm" data-testid="invites">
        <TableHead columns={["Customer", "State", "Tenant", "Created", "Expires", "Actions"]} />
        <tbody>
          {invites.map((i) => (
            <tr key={i.id} className="border-b border-slate-100 align-top" data-invite={i.id}>
              <td className="py-2 pr-4">
                {i.customerName}
                {i.lastError ? <div className="text-xs text-red-800">{i.lastError}</div> : null}
              </td>
              <td className="py-2 pr-4">
                <StatusBadge status={i.state} />
              </td>
              <td className="py-2 pr-4 font-mono text-xs">
                {i.tenantId ? <Link href={`/dashboard/tenants/${i.tenantId}`}>{i.tenantId}</Link> : (i.tenantHint ?? "any")}
              </td>
              <td className="py-2 pr-4">
                <When iso={i.createdAt} />
                <div className="text-xs text-slate-500">{i.createdBy}</div>
              </td>
              <td className="py-2 pr-4">
                <When iso={i.expiresAt} />
              </td>
              <td className="space-x-3 py-2 pr-4">
                {i.state !== "revoked" && i.state !== "expired" && can(partner.role, "manageInvites") ? (
                  <>
                    <RenewButton inviteId={i.id} />
                    <form action={revokeInviteAction} className="inline">
                      <input type="hidden" name="inviteId" value={i.id} />
                      <button type="submit" className="text-red-700 hover:underline">
                        Revoke
                      </button>
                    </form>
                  </>
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
