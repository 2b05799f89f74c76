"use client";

import { StatusBadge, When } from "@/app/ui/status-badge";

/** What a row shows of a tenant: only these fields travel in the page's payload. */
export interface TenantRow {
  id: string;
  name: string;
  status: string;
  needsReconsent: boolean;
  lastCheck: { status: string; startedAt: string } | null;
  findings: string[];
  initialDomain: string | null;
  consentedAt: string | null;
}

/**
 * The tenant table's rows. A client component on purpose: the server sends the page's rows as data
 * (about 300 bytes each) and renders their HTML once, instead of serializing every cell as a server
 * component tree in the payload as well as in the HTML (about 1.3 KB a row, and the work to make it).
 */
export function TenantRows({ rows, findingHrefs }: { rows: TenantRow[]; findingHrefs: Record<string, string> }) {
  return (
    <tbody className="tenant-rows">
      {rows.map((t) => (
        <tr key={t.id} data-tenant={t.id}>
          <td className="max-w-[14rem]">
            {/* Plain anchors in the rows: 50 client Link components cost more to render than they save. */}
            <a href={`/dashboard/tenants/${t.id}`} className="tenant-name">
              {t.name}
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
                    <a href={findingHrefs[f]} className="finding-chip">
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
  );
}
