import type { Metadata } from "next";

import { When } from "@/app/ui/status-badge";
import { TableHead } from "@/app/ui/table-head";
import { listAuditForDashboard } from "@/lib/dashboard/dashboard";
import { MINIMUM_ROLE } from "@/lib/auth/roles";
import { requirePartner } from "@/lib/session/require-partner";

export const metadata: Metadata = { title: "Audit log" };

// GET /dashboard/audit — who did what, when and from where.
export default async function AuditPage({ searchParams }: { searchParams: Promise<{ before?: string }> }) {
  const partner = await requirePartner(MINIMUM_ROLE.viewAuditLog);
  const { before } = await searchParams;
  const entries = await listAuditForDashboard(partner, typeof before === "string" && /^\d{4}-\d\d-\d\dT[\d:.]+Z$/.test(before) ? before : undefined);
  return (
    <>
      <h1 className="text-2xl font-semibold">Audit log</h1>
      <table className="mt-6 w-full text-sm" data-testid="audit">
        <TableHead columns={["When", "Who", "What", "Target", "From"]} />
        <tbody>
          {entries.map((e) => (
            <tr key={e.id} className="border-b border-slate-100 align-top">
              <td className="py-1 pr-4 whitespace-nowrap">
                <When iso={e.at} />
              </td>
              <td className="py-1 pr-4">{e.actor}</td>
              <td className="py-1 pr-4 font-mono">{e.action}</td>
              <td className="py-1 pr-4 font-mono text-xs">{e.target ?? ""}</td>
              <td className="py-1 pr-4 text-xs text-slate-500">{e.ip ?? ""}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {entries.length === 100 ? (
        <a className="mt-4 inline-block text-brand-700 hover:underline" href={`/dashboard/audit?before=${encodeURIComponent(entries[entries.length - 1]!.at)}`}>
          Older entries
        </a>
      ) : null}
    </>
  );
}
