import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";

import { offboardTenantAction } from "@/app/dashboard/tenants/[id]/actions";
import { ProbeActions } from "@/app/dashboard/tenants/[id]/probe-actions";
import { HistoryChart, ProbeResults, TruthTable } from "@/app/ui/probe-results";
import { StatusBadge, When } from "@/app/ui/status-badge";
import { ConfirmBox } from "@/app/ui/confirm-box";
import { getTenantDetail } from "@/lib/dashboard/dashboard";
import { getTenantProbesView } from "@/lib/probes/tenant-view";
import { can, MINIMUM_ROLE } from "@/lib/auth/roles";
import { requirePartner } from "@/lib/session/require-partner";

export const metadata: Metadata = { title: "Tenant" };

// GET /dashboard/tenants/<id> — one tenant: permissions, consent events, invites.
/** A consent event in words: a claim, the sign-in that confirmed the tenant, or the token that proved the consent. */
function eventNote(e: { kind: string; verified: boolean; details: Record<string, unknown> | null }): string {
  const signedIn = e.details?.signedIn as { upn?: unknown } | undefined;
  if (e.kind === "callback" && e.verified) return typeof signedIn?.upn === "string" ? `(tenant confirmed by ${signedIn.upn}'s sign-in)` : "(tenant confirmed by a sign-in)";
  if (e.kind === "verified" || e.kind === "failed") return "";
  return e.verified ? "(verified)" : "(unverified claim)";
}

export default async function TenantPage({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const partner = await requirePartner(MINIMUM_ROLE.viewDashboard);
  const confirmingRemoval = (await searchParams).remove === "1" && can(partner.role, "offboardTenant");
  const detail = await getTenantDetail(partner, (await params).id);
  if (!detail) notFound();
  const { tenant } = detail;
  const probes = await getTenantProbesView(tenant.id);
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
        <dt className="text-slate-500">Consented by</dt>
        <dd data-testid="consented-by">
          {tenant.consentedBy ? (
            <>
              {tenant.consentedBy.name}
              {tenant.consentedBy.upn ? <span className="font-mono text-slate-600"> ({tenant.consentedBy.upn})</span> : null}
              {tenant.consentedBy.oid ? <span className="font-mono text-xs text-slate-500"> · object ID {tenant.consentedBy.oid}</span> : null}
            </>
          ) : (
            <span className="text-slate-500">not recorded (consented before Consentry, or imported)</span>
          )}
        </dd>
        <dt className="text-slate-500">Verified with a token</dt>
        <dd>
          <When iso={tenant.verifiedAt} />
        </dd>
        <dt className="text-slate-500">Permission set</dt>
        <dd>
          {detail.consentedVersion !== null ? `consented to version ${detail.consentedVersion}` : "consented before Consentry (version unknown)"}; the app is configured with version{" "}
          {detail.currentVersion}
          {detail.needsReconsent ? (
            <p role="status" className="mt-1 rounded bg-amber-50 p-2 text-amber-900" data-testid="needs-reconsent">
              <strong>Needs re-consent:</strong> the app registration now also asks for {detail.added.join(", ")}. Send the tenant&rsquo;s re-consent link (below) to a
              Global Administrator or Privileged Role Administrator there.
            </p>
          ) : null}
        </dd>
      </dl>

      <section aria-labelledby="checks-title" className="mt-8">
        <h2 id="checks-title" className="text-lg font-semibold">
          Checks
        </h2>
        <p className="text-sm text-slate-600">
          {probes.latest ? (
            <>
              Last run <When iso={probes.latest.run.startedAt} /> ({probes.latest.run.trigger}
              {probes.latest.run.iterations > 1 ? `, ${probes.latest.run.iterations} times` : ""}): <StatusBadge status={probes.latest.run.status} />
            </>
          ) : (
            "No probes have run yet."
          )}
        </p>
        <ProbeActions
          tenantId={tenant.id}
          testMailbox={tenant.testMailbox}
          allowed={{ runProbes: can(partner.role, "runProbes"), makeReconsentLink: can(partner.role, "makeReconsentLink"), setTestMailbox: can(partner.role, "setTestMailbox") }}
        />
        {probes.latest ? <ProbeResults lines={probes.latest.lines} /> : null}
      </section>

      <section aria-labelledby="truth-title" className="mt-8">
        <h2 id="truth-title" className="text-lg font-semibold">
          Permissions: configured, granted, in the token, proven
        </h2>
        <TruthTable rows={probes.truth} />
      </section>

      <section aria-labelledby="history-title" className="mt-8">
        <h2 id="history-title" className="text-lg font-semibold">
          History
        </h2>
        <HistoryChart history={probes.history} />
      </section>

      <h2 className="mt-8 text-lg font-semibold">Consent events</h2>
      <ol className="mt-2 space-y-1 text-sm" data-testid="events">
        {detail.events.map((e) => (
          <li key={e.id}>
            <When iso={e.createdAt} /> · <strong>{e.kind}</strong> {eventNote(e)} {e.errorCode ? <span className="font-mono text-red-800">{e.errorCode}</span> : null}
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

      {can(partner.role, "offboardTenant") ? (
        <section aria-labelledby="remove-title" className="mt-10 border-t border-slate-200 pt-6">
          <h2 id="remove-title" className="text-lg font-semibold">
            Remove from Consentry
          </h2>
          {confirmingRemoval ? (
            <ConfirmBox id="remove-confirm-title" title={<>Remove {tenant.displayName ?? tenant.id} and everything Consentry knows about it?</>} action={offboardTenantAction} fields={{ tenantId: tenant.id }} confirmLabel="Yes, remove it" cancelHref={`/dashboard/tenants/${tenant.id}`} headingLevel={3}>
              <p className="mt-1">
              Its checks, findings, consent events and invites are deleted; the audit log keeps that you removed it. This does not touch the customer&rsquo;s tenant: the app
              stays there with its permissions until their administrator deletes it (Enterprise applications → the app → Properties → Delete).
              </p>
            </ConfirmBox>
          ) : (
            <Link href={`/dashboard/tenants/${tenant.id}?remove=1#remove-title`} className="mt-2 inline-block rounded-md border border-red-300 px-4 py-2 text-sm font-semibold text-red-800 hover:bg-red-50">
              Remove from Consentry…
            </Link>
          )}
        </section>
      ) : null}
    </>
  );
}
