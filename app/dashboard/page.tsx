import type { Metadata } from "next";
import Link from "next/link";

import { testAllTenantsAction } from "@/app/dashboard/bulk-actions";
import { ImportTenantForm } from "@/app/dashboard/import-form";
import { StatusBadge, When } from "@/app/ui/status-badge";
import { TableHead } from "@/app/ui/table-head";
import { can, MINIMUM_ROLE } from "@/lib/auth/roles";
import { listTenantsForDashboard } from "@/lib/dashboard/dashboard";
import { requirePartner } from "@/lib/session/require-partner";

export const metadata: Metadata = { title: "Tenants" };

// GET /dashboard — every onboarded tenant with its status and last change.
export default async function TenantsPage() {
  const partner = await requirePartner(MINIMUM_ROLE.viewDashboard);
  const { tenants, counts, needingReconsent, currentVersion, latestBulk } = await listTenantsForDashboard(partner);
  return (
    <>
      <div className="flex flex-wrap items-end justify-between gap-4">
        <div>
          <h1 className="text-2xl font-semibold">Tenants</h1>
          <p className="text-sm text-slate-600">
            {counts.consented} consented · {counts.failed} failed · {counts.revoked + counts.deleted} revoked or deleted ·{" "}
            <span data-testid="needs-reconsent-count" className={needingReconsent ? "font-semibold text-amber-800" : undefined}>
              {needingReconsent} need{needingReconsent === 1 ? "s" : ""} re-consent
            </span>{" "}
            (permission set version {currentVersion})
          </p>
        </div>
        <div className="flex gap-2">
          {tenants.length > 0 && can(partner.role, "startBulkRun") ? (
            <form action={testAllTenantsAction}>
              <button type="submit" className="rounded-md border border-slate-300 bg-white px-4 py-2 text-sm font-semibold hover:bg-slate-50">
                Test all tenants
              </button>
            </form>
          ) : null}
          {can(partner.role, "manageInvites") ? (
            <Link href="/dashboard/invites" className="rounded-md bg-brand-600 px-4 py-2 text-sm font-semibold text-white hover:bg-brand-700">
              Invite a customer
            </Link>
          ) : null}
        </div>
      </div>
      {latestBulk ? (
        <p className="mt-2 text-sm">
          Last bulk test: <Link href={`/dashboard/bulk/${latestBulk.id}`} className="text-brand-700 hover:underline">{latestBulk.status === "running" ? "running now" : `finished ${latestBulk.finished_at?.replace("T", " ").slice(0, 16) ?? ""} UTC`}</Link> ({latestBulk.total} tenants)
        </p>
      ) : null}
      {tenants.length === 0 ? (
        <p className="mt-8 rounded-md border border-dashed border-slate-300 p-8 text-center text-slate-600">
          No tenant has been onboarded yet. Create an invite and send its link to the customer&rsquo;s administrator.
        </p>
      ) : (
        <table className="mt-6 w-full border-collapse text-sm" data-testid="tenants">
          <TableHead columns={["Organization", "Status", "Initial domain", "Permissions", "Last check", "Last change"]} />
          <tbody>
            {tenants.map((t) => (
              <tr key={t.id} className="border-b border-slate-100" data-tenant={t.id}>
                <td className="py-2 pr-4">
                  <Link href={`/dashboard/tenants/${t.id}`} className="font-medium text-brand-700 hover:underline">
                    {t.displayName ?? t.customerName ?? t.id}
                  </Link>
                  <div className="font-mono text-xs text-slate-500">{t.id}</div>
                </td>
                <td className="py-2 pr-4">
                  <StatusBadge status={t.status} />
                  {t.needsReconsent ? (
                    <span className="ml-1 rounded bg-amber-100 px-1.5 py-0.5 text-xs font-semibold text-amber-900" data-testid="needs-reconsent">
                      needs re-consent
                    </span>
                  ) : null}
                </td>
                <td className="py-2 pr-4 font-mono text-xs">{t.initialDomain ?? "—"}</td>
                <td className="py-2 pr-4">{t.roles.length}</td>
                <td className="py-2 pr-4">{t.lastCheck ? <StatusBadge status={t.lastCheck} /> : <span className="text-slate-400">—</span>}</td>
                <td className="py-2 pr-4">
                  <When iso={t.updatedAt} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {can(partner.role, "importTenant") ? <ImportTenantForm /> : null}
    </>
  );
}
