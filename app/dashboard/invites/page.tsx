import type { Metadata } from "next";
import Link from "next/link";

import { revokeInviteAction } from "@/app/dashboard/invites/actions";
import { InviteForm, RenewButton } from "@/app/dashboard/invites/invite-form";
import { StatusBadge, When } from "@/app/ui/status-badge";
import { TableHead } from "@/app/ui/table-head";
import { ConfirmBox } from "@/app/ui/confirm-box";
import { listInvitesForDashboard } from "@/lib/dashboard/dashboard";
import { can, MINIMUM_ROLE } from "@/lib/auth/roles";
import { requirePartner } from "@/lib/session/require-partner";

export const metadata: Metadata = { title: "Invites" };

// GET /dashboard/invites — create, copy, renew and revoke invite links.
export default async function InvitesPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const partner = await requirePartner(MINIMUM_ROLE.viewDashboard);
  const params = await searchParams;
  const invites = await listInvitesForDashboard(partner);
  const revoking = typeof params.revoke === "string" && can(partner.role, "manageInvites") ? invites.find((i) => i.id === params.revoke && i.state !== "revoked") : undefined;
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
      {params.revoked ? (
        <p role="status" className="mt-4 rounded bg-emerald-50 p-3 text-sm text-emerald-900">
          The invite is revoked: its link now answers &ldquo;This invite was revoked&rdquo;.
        </p>
      ) : null}
      {revoking ? (
        <ConfirmBox id="revoke-invite-title" title={<>Revoke the invite for {revoking.customerName}?</>} action={revokeInviteAction} fields={{ inviteId: revoking.id }} confirmLabel="Yes, revoke it" cancelHref="/dashboard/invites">
          <p className="mt-1">Its link stops working at once; an admin who opens it is told it was revoked. To invite them again, create a new invite.</p>
        </ConfirmBox>
      ) : null}
      <div className="mt-8 overflow-x-auto">
      <table className="w-full text-sm" data-testid="invites">
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
                    <Link href={`/dashboard/invites?revoke=${i.id}`} className="text-red-700 hover:underline">
                      Revoke…
                    </Link>
                  </>
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      </div>
    </>
  );
}
