import type { Metadata } from "next";
import Link from "next/link";

import { TableHead } from "@/app/ui/table-head";
import { When } from "@/app/ui/status-badge";
import { auditFilterSchema, getAuditView } from "@/lib/audit/audit-view";
import { MINIMUM_ROLE } from "@/lib/auth/roles";
import { requirePartner } from "@/lib/session/require-partner";

export const metadata: Metadata = { title: "Audit log" };

const field = "mt-1 block w-full rounded border border-slate-300 px-2 py-1";

// GET /dashboard/audit — who did what, when and from where; filtered by action, who and target.
export default async function AuditPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await requirePartner(MINIMUM_ROLE.viewAuditLog);
  const raw = await searchParams;
  const filter = auditFilterSchema.parse(Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, Array.isArray(v) ? v[0] : v])));
  const view = await getAuditView(filter);
  const olderHref = view.nextBefore ? `/dashboard/audit?${new URLSearchParams({ ...(filter.action ? { action: filter.action } : {}), ...(filter.actor ? { actor: filter.actor } : {}), ...(filter.target ? { target: filter.target } : {}), before: view.nextBefore })}` : null;
  return (
    <>
      <h1 className="text-2xl font-semibold">Audit log</h1>
      {/* Keyed by the filter: after a client-side navigation (Clear) the fields show the new filter. */}
      <form key={JSON.stringify(filter)} method="get" action="/dashboard/audit" role="search" aria-label="Filter the audit log" className="mt-4 grid grid-cols-1 gap-3 rounded-md border border-slate-200 bg-white p-3 text-sm sm:grid-cols-4">
        <label>
          What
          <select name="action" defaultValue={filter.action ?? ""} className={field}>
            <option value="">Everything</option>
            {view.actions.map(([action, label]) => (
              <option key={action} value={action}>
                {label}
              </option>
            ))}
          </select>
        </label>
        <label>
          Who
          <input name="actor" defaultValue={filter.actor ?? ""} placeholder="alice@… or api-key:name" className={field} />
        </label>
        <label>
          Target
          <input name="target" defaultValue={filter.target ?? ""} placeholder="A tenant, invite or run ID" className={field} />
        </label>
        <div className="flex items-end gap-2">
          <button type="submit" className="rounded-md bg-brand-700 px-4 py-1.5 font-semibold text-white hover:bg-brand-900">
            Filter
          </button>
          {filter.action || filter.actor || filter.target ? (
            <Link href="/dashboard/audit" className="px-2 py-1.5 text-brand-700 hover:underline">
              Clear
            </Link>
          ) : null}
        </div>
      </form>
      {view.rows.length === 0 ? (
        <p className="mt-6 text-sm text-slate-600">Nothing recorded{filter.action || filter.actor || filter.target ? " that matches" : ""}.</p>
      ) : (
        <div className="mt-4 overflow-x-auto">
          <table className="w-full text-sm" data-testid="audit">
            <TableHead columns={["When", "Who", "What", { label: "Details", className: "hidden md:table-cell" }, { label: "From", className: "hidden lg:table-cell" }]} />
            <tbody>
              {view.rows.map((e) => (
                <tr key={e.id} className="border-b border-slate-100 align-top" data-action={e.action}>
                  <td className="py-1 pr-4 whitespace-nowrap">
                    <When iso={e.at} />
                  </td>
                  <td className="max-w-[12rem] py-1 pr-4 break-words">
                    <Link href={`/dashboard/audit?actor=${encodeURIComponent(e.actor)}`} className="hover:underline">
                      {e.actor}
                    </Link>
                  </td>
                  <td className="py-1 pr-4">
                    <span title={e.action}>{e.label}</span>
                    {e.target ? (
                      <div className="font-mono text-xs break-all text-slate-500">
                        {e.targetHref ? (
                          <Link href={e.targetHref} className="text-brand-700 hover:underline">
                            {e.target}
                          </Link>
                        ) : (
                          e.target
                        )}
                      </div>
                    ) : null}
                  </td>
                  <td className="hidden max-w-md py-1 pr-4 text-xs break-words text-slate-600 md:table-cell">{e.summary}</td>
                  <td className="hidden py-1 pr-4 text-xs text-slate-500 lg:table-cell">{e.ip ?? ""}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {olderHref ? (
        <Link className="mt-4 inline-block text-brand-700 hover:underline" href={olderHref}>
          Older entries
        </Link>
      ) : null}
    </>
  );
}
