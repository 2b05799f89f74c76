import { Pager } from "@/app/ui/pager";
import { StatusBadge, When } from "@/app/ui/status-badge";
import { TableHead } from "@/app/ui/table-head";
import { listHref } from "@/lib/http/search-params";
import type { TenantListItem, TenantListQuery } from "@/lib/tenants/tenant-list";

/** The dashboard's page of tenants and its pager. */
export function TenantTable({ query, items, nextCursor, filtered, anyTenant }: { query: TenantListQuery; items: TenantListItem[]; nextCursor: string | null; filtered: boolean; anyTenant: boolean }) {
  const link = (change: Parameters<typeof listHref>[2]) => listHref("/dashboard", { sort: query.sort }, change);
  return (
    <>
      {items.length === 0 ? (
        <p className="mt-6 rounded-md border border-dashed border-slate-300 p-8 text-center text-slate-600">
          {!anyTenant && !filtered
            ? "No tenant has been onboarded yet. Create an invite and send its link to the customer's administrator."
            : "No tenant matches these filters."}
        </p>
      ) : (
        <div className="mt-4 overflow-x-auto">
          <table className="w-full border-collapse text-sm" data-testid="tenants">
            <TableHead columns={["Organization", "Status", "Last check", { label: "Findings", className: "hidden sm:table-cell" }, { label: "Initial domain", className: "hidden md:table-cell" }, { label: "Consented", className: "hidden lg:table-cell" }]} />
            <tbody className="tenant-rows">
              {items.map((t) => (
                <tr key={t.id} data-tenant={t.id}>
                  <td className="max-w-[14rem]">
                    {/* Plain anchors in the rows: 50 client Link components cost more to render than they save. */}
                    <a href={`/dashboard/tenants/${t.id}`} className="tenant-name">
                      {t.displayName ?? t.customerName ?? t.id}
                    </a>
                    <div className="tenant-id">{t.id}</div>
                  </td>
                  <td>
                    <StatusBadge status={t.status} />
                    {t.needsReconsent ? (
                      <span className="reconsent-flag" data-testid="needs-reconsent">
                        needs re-consent
                      </span>
                    ) : null}
                  </td>
                  <td>
                    {t.lastCheck ? (
                      <>
                        <StatusBadge status={t.lastCheck.status} />
                        <div className="text-xs text-slate-500">
                          <When iso={t.lastCheck.startedAt} />
                        </div>
                      </>
                    ) : (
                      <span className="text-slate-400">—</span>
                    )}
                  </td>
                  <td className="hidden sm:table-cell">
                    {t.findings.length ? (
                      <ul className="flex flex-wrap gap-1" aria-label="Findings">
                        {t.findings.map((f) => (
                          <li key={f}>
                            <a href={link({ finding: f })} className="finding-chip">
                              {f}
                            </a>
                          </li>
                        ))}
                      </ul>
                    ) : (
                      <span className="text-slate-400">—</span>
                    )}
                  </td>
                  <td className="hidden font-mono text-xs md:table-cell">{t.initialDomain ?? "—"}</td>
                  <td className="hidden lg:table-cell">
                    <When iso={t.consentedAt} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Pager base="/dashboard" query={query} shown={items.length} noun="tenant" filtered={filtered} nextCursor={nextCursor} />
    </>
  );
}
