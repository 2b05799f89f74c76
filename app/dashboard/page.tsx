import type { Metadata } from "next";
import Link from "next/link";

import { testAllTenantsAction } from "@/app/dashboard/bulk-actions";
import { ImportTenantForm } from "@/app/dashboard/import-form";
import { TenantTable } from "@/app/dashboard/tenant-table";
import { can, MINIMUM_ROLE } from "@/lib/auth/roles";
import { getTenantListView } from "@/lib/dashboard/tenant-list-view";
import { TENANT_STATUSES } from "@/lib/db/schema";
import { listHref } from "@/lib/http/search-params";
import { requirePartner } from "@/lib/session/require-partner";
import { isTenantGuid } from "@/lib/identity/tenant-id";

export const metadata: Metadata = { title: "Tenants" };

const field = "mt-1 block w-full rounded border border-slate-300 px-2 py-1";

// GET /dashboard — search, filter and page through the tenants (server-side), with counts that add up.
export default async function TenantsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const partner = await requirePartner(MINIMUM_ROLE.viewDashboard);
  const raw = await searchParams;
  // "removed" is the notice after offboarding a tenant, not a filter.
  const params = new URLSearchParams(Object.entries(raw).flatMap(([k, v]) => (k === "removed" ? [] : Array.isArray(v) ? v.map((x) => [k, x]) : v === undefined ? [] : [[k, v]])));
  const view = await getTenantListView(params);
  const { query, counts } = view;
  const filtered = Boolean(query.q || query.status || query.needsReconsent !== undefined || query.finding || query.failingProbe || query.check || query.permissionSetVersion || query.failedInBulkRun);
  const link = (change: Parameters<typeof listHref>[2]) => listHref("/dashboard", { sort: query.sort }, change);
  const exportHref = listHref("/api/v1/tenants.csv", { ...query, cursor: undefined, limit: undefined });
  return (
    <>
      <div className="flex flex-wrap items-end justify-between gap-4">
        <div>
          <h1 className="text-2xl font-semibold">Tenants</h1>
          <p className="text-sm text-slate-600" data-testid="tenant-counts">
            <a href={link({ status: "consented" })} className="hover:underline">
              <strong>{counts.consented}</strong> consented
            </a>
            {": "}
            <a href={link({ status: "consented", check: "passing" })} className="text-emerald-800 hover:underline" data-testid="count-passing">
              {counts.passing} passing
            </a>
            {", "}
            <a href={link({ status: "consented", check: "failing" })} className={counts.failing ? "font-semibold text-red-800 hover:underline" : "hover:underline"} data-testid="count-failing">
              {counts.failing} failing their checks
            </a>
            {", "}
            <a href={link({ status: "consented", check: "none" })} className="hover:underline">
              {counts.notChecked} not checked yet
            </a>
            {" · "}
            <a href={link({ needsReconsent: "true" })} data-testid="needs-reconsent-count" className={counts.needsReconsent ? "font-semibold text-amber-800 hover:underline" : "hover:underline"}>
              {counts.needsReconsent} need{counts.needsReconsent === 1 ? "s" : ""} re-consent
            </a>
            {" · "}
            <a href={link({ status: "failed" })} className="hover:underline">
              {counts.failed} consent not verified
            </a>
            {" · "}
            <a href={link({ status: "revoked" })} className="hover:underline">
              {counts.revoked} revoked
            </a>{" "}
            (permission set version {counts.permissionSetVersion})
          </p>
        </div>
        <div className="flex flex-wrap gap-2">
          {counts.total > 0 && can(partner.role, "startBulkRun") ? (
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
      {view.latestBulk ? (
        <p className="mt-2 text-sm">
          Last bulk test:{" "}
          <Link href={`/dashboard/bulk/${view.latestBulk.id}`} className="text-brand-700 hover:underline">
            {view.latestBulk.status === "running" ? "running now" : `finished ${view.latestBulk.finishedAt?.replace("T", " ").slice(0, 16) ?? ""} UTC`}
          </Link>{" "}
          ({view.latestBulk.total} tenants)
        </p>
      ) : null}

      {/* Keyed by the query: a client-side navigation (Clear filters, a count's link) shows the new query's values, not the last ones typed. */}
      <form key={listHref("/dashboard", { ...query })} method="get" action="/dashboard" role="search" aria-label="Search tenants" className="mt-6 grid grid-cols-2 gap-3 rounded-md border border-slate-200 bg-white p-3 text-sm md:grid-cols-6">
        <label className="col-span-2">
          Search
          <input name="q" type="search" defaultValue={query.q ?? ""} placeholder="Name, domain or tenant ID" className={field} />
        </label>
        <label>
          Status
          <select name="status" defaultValue={query.status ?? ""} className={field}>
            <option value="">Any but deleted</option>
            {TENANT_STATUSES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <label>
          Last check
          <select name="check" defaultValue={query.check ?? ""} className={field}>
            <option value="">Any</option>
            <option value="passing">Passing</option>
            <option value="failing">Failing</option>
            <option value="none">Not checked</option>
          </select>
        </label>
        <label>
          Finding
          <select name="finding" defaultValue={query.finding ?? ""} className={field}>
            <option value="">Any</option>
            {view.findingIds.map((id) => (
              <option key={id} value={id}>
                {id}
              </option>
            ))}
          </select>
        </label>
        <label>
          Failing probe
          <select name="failingProbe" defaultValue={query.failingProbe ?? ""} className={field}>
            <option value="">Any</option>
            {view.probes.map((p) => (
              <option key={p.key} value={p.key}>
                {p.title}
              </option>
            ))}
          </select>
        </label>
        <label>
          Re-consent
          <select name="needsReconsent" defaultValue={query.needsReconsent === undefined ? "" : String(query.needsReconsent)} className={field}>
            <option value="">Any</option>
            <option value="true">Needs re-consent</option>
            <option value="false">Up to date</option>
          </select>
        </label>
        <label>
          Sort
          <select name="sort" defaultValue={query.sort} className={field}>
            <option value="name">Name A–Z</option>
            <option value="-name">Name Z–A</option>
            <option value="-lastCheck">Last check, newest</option>
            <option value="lastCheck">Last check, oldest</option>
            <option value="-createdAt">Added, newest</option>
            <option value="createdAt">Added, oldest</option>
          </select>
        </label>
        <div className="col-span-2 flex items-end gap-2 md:col-span-4">
          <button type="submit" className="rounded-md bg-brand-700 px-4 py-1.5 font-semibold text-white hover:bg-brand-900">
            Search
          </button>
          {filtered ? (
            <Link href="/dashboard" className="px-2 py-1.5 text-brand-700 hover:underline">
              Clear filters
            </Link>
          ) : null}
          <a href={exportHref} className="ml-auto rounded-md border border-slate-300 px-3 py-1.5 hover:bg-slate-50" data-testid="export-csv">
            Export CSV
          </a>
        </div>
      </form>
      {typeof raw.removed === "string" && isTenantGuid(raw.removed) ? (
        <div role="status" className="mt-3 rounded bg-emerald-50 p-3 text-sm text-emerald-900">
          <p>
            Tenant <span className="font-mono">{raw.removed}</span> is removed from Consentry (the audit log keeps the entry).
          </p>
          <p className="mt-1">
            Tell the customer&rsquo;s administrator that the app stays in their tenant with its permissions until they delete it: Microsoft Entra admin center → Enterprise
            applications → All applications → the app → Properties → Delete.
          </p>
        </div>
      ) : null}
      {query.failedInBulkRun ? (
        <p className="mt-2 text-sm">
          Showing the tenants whose checks failed in{" "}
          <Link href={`/dashboard/bulk/${query.failedInBulkRun}`} className="text-brand-700 hover:underline">
            this bulk run
          </Link>
          .
        </p>
      ) : null}
      {view.ignored.length ? (
        <p role="status" className="mt-2 text-sm text-amber-900">
          Ignored in this link: {view.ignored.join("; ")}.
        </p>
      ) : null}

      <TenantTable query={query} items={view.items} nextCursor={view.nextCursor} filtered={filtered} anyTenant={counts.total > 0} />
      {can(partner.role, "importTenant") ? <ImportTenantForm /> : null}
    </>
  );
}
