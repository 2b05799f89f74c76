import type { Metadata } from "next";
import { notFound } from "next/navigation";

import { StatusBadge, When } from "@/app/ui/status-badge";
import { getTenantDetail } from "@/lib/dashboard/dashboard";
import { requirePartner } from "@/lib/session/partner-session";

export const metadata: Metadata = { title: "Tenant" };

// GET /dashboard/tenants/<id> — one tenant: permissions, consent events, invites.
export default async function TenantPage({ params }: { params: Promise<{ id: string }> }) {
  const partner = await requirePartner();
  const detail = await getTenantDetail(partner, (await params).id);
  if (!detail) notFound();
  const { tenant } = detail;
  return (
    <>
      <h1 className="text-2xl font-semibold">{tenant.displayName ?? tenant.id}</h1>
      <p className="mt-1 text-sm text-slate-600">
        <StatusBadge status={tenant.status} /> <span className="ml-2 font-mono">{tenant.id}</span>
        {tenant.initialDomain ? <span className="ml-2 font-mono">{tenant.initialDomain}</span> : null}
        {tenant.defaultDomain && tenant.defaultDomain !== tenant.initialDomain ? <span className="ml-2 font-mono">{tenant.defaultDomain}</span> : null}
      </p>
      <dl className="mt-4 grid grid-cols-[max-content_1fr] gap-x-6 gap-y-1 text-sm">
        <dt className="text-slate-500">Consented</dt>
        <dd>
          <When iso={tenant.consentedAt} />
        </dd>
        <dt className="text-slate-500">Verified with a token</dt>
        <dd>
          <When iso={tenant.verifiedAt} />
        </dd>
        <dt className="text-slate-500">Permission set</dt>
        <dd>
          consented to version {detail.consentedVersion ?? "?"}; the app is configured with version {detail.currentVersion}
        </dd>
      </dl>

      <h2 className="mt-8 text-lg font-semibold">Permissions</h2>
      <table className="mt-2 w-full text-sm" data-testid="permissions">
        <thead>
          <tr className="border-b text-left text-slate-500">
            <th className="py-1 pr-4 font-medium">Permission</th>
            <th className="py-1 pr-4 font-medium">Configured</th>
            <th className="py-1 pr-4 font-medium">In the token</th>
          </tr>
        </thead>
        <tbody>
          {detail.configured.map((p) => (
            <tr key={p.name} className="border-b border-slate-100">
              <td className="py-1 pr-4 font-mono">{p.name}</td>
              <td className="py-1 pr-4">yes</td>
              <td className="py-1 pr-4">{tenant.roles.includes(p.name) ? "yes" : <strong className="text-amber-800">missing — send a new invite</strong>}</td>
            </tr>
          ))}
        </tbody>
      </table>

      <h2 className="mt-8 text-lg font-semibold">Consent events</h2>
      <ol className="mt-2 space-y-1 text-sm" data-testid="events">
        {detail.events.map((e) => (
          <li key={e.id}>
            <When iso={e.createdAt} /> · <strong>{e.kind}</strong> {e.verified ? "(verified)" : "(unverified claim)"} {e.errorCode ? <span className="font-mono text-red-800">{e.errorCode}</span> : null}
          </li>
        ))}
      </ol>

      <h2 className="mt-8 text-lg font-semibold">Invites</h2>
      <ul className="mt-2 text-sm">
        {detail.invites.length ? (
          detail.invites.map((i) => (
            <li key={i.id}>
              {i.customerName} · <StatusBadge status={i.state} /> · created by {i.createdBy} <When iso={i.createdAt} />
            </li>
          ))
        ) : (
          <li className="text-slate-500">Onboarded without an invite.</li>
        )}
      </ul>
    </>
  );
}
