import { TenantRows, type TenantRow } from "@/app/dashboard/tenant-rows";
import { Pager } from "@/app/ui/pager";
import { TableHead } from "@/app/ui/table-head";
import { listHref } from "@/lib/http/search-params";
import type { TenantListItem, TenantListQuery } from "@/lib/tenants/tenant-list";

/** The dashboard's page of tenants and its pager. */
export function TenantTable({ query, items, nextCursor, filtered, anyTenant }: { query: TenantListQuery; items: TenantListItem[]; nextCursor: string | null; filtered: boolean; anyTenant: boolean }) {
  const rows: TenantRow[] = items.map((t) => ({
    id: t.id,
    name: t.displayName ?? t.customerName ?? t.id,
    status: t.status,
    needsReconsent: t.needsReconsent,
    lastCheck: t.lastCheck ? { status: t.lastCheck.status, startedAt: t.lastCheck.startedAt } : null,
    findings: t.findings,
    initialDomain: t.initialDomain,
    consentedAt: t.consentedAt,
  }));
  // Each finding on the page links to the list filtered by it (in the same sort).
  const findingHrefs = Object.fromEntries([...new Set(items.flatMap((t) => t.findings))].map((f) => [f, listHref("/dashboard", { sort: query.sort }, { finding: f })]));
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
            <TenantRows rows={rows} findingHrefs={findingHrefs} />
          </table>
        </div>
      )}
      <Pager base="/dashboard" query={query} shown={items.length} noun="tenant" filtered={filtered} nextCursor={nextCursor} />
    </>
  );
}
