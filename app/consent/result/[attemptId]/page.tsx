import type { Metadata } from "next";
import { cookies } from "next/headers";
import { notFound } from "next/navigation";

import { LiveStatus } from "@/app/consent/result/[attemptId]/live-status";
import { ProbeResults } from "@/app/ui/probe-results";
import { PublicCard } from "@/app/ui/problem-view";
import { BOUND_COOKIE } from "@/lib/consent/bound-cookie";
import { getConsentResultView, type ConsentPermission, type ConsentResultView } from "@/lib/consent/views";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Consent result", robots: { index: false, follow: false } };

function PermissionList({ items, testId }: { items: ConsentPermission[]; testId: string }) {
  return (
    <ul className="mt-2 space-y-2" data-testid={testId}>
      {items.map((p) => (
        <li key={p.key} className="rounded border border-slate-200 p-3">
          <p className="font-medium">{p.displayName ?? p.description ?? p.name}</p>
          <p className="font-mono text-xs text-slate-500">
            {p.name} · {p.resourceLabel}
          </p>
        </li>
      ))}
    </ul>
  );
}

function Verifying({ view, attemptId }: { view: ConsentResultView; attemptId: string }) {
  return (
    <section aria-labelledby="waiting-title" data-status="verifying">
      <noscript>
        <meta httpEquiv="refresh" content="3" />
      </noscript>
      <h1 id="waiting-title" className="text-2xl font-semibold">
        Microsoft is finishing your consent
      </h1>
      <p className="mt-3 text-slate-700">
        Thank you. Microsoft takes a moment to make a new consent visible everywhere. We are checking that {view.appName} can now sign in to your
        organization; this page updates by itself, usually within a minute.
      </p>
      <LiveStatus attemptId={attemptId} />
    </section>
  );
}

function Checks({ view, attemptId }: { view: ConsentResultView; attemptId: string }) {
  return (
    <section aria-labelledby="checks-title" className="mt-8">
      <h2 id="checks-title" className="text-lg font-semibold">
        Checks, permission by permission
      </h2>
      {view.checks ? (
        <>
          <p className="mt-1 text-sm text-slate-600">Each permission was tried for real against your organization.</p>
          <ProbeResults lines={view.checks} />
        </>
      ) : (
        <>
          <noscript>
            <meta httpEquiv="refresh" content="3" />
          </noscript>
          <p className="mt-1 text-sm text-slate-600">Trying each permission against your organization…</p>
          <LiveStatus attemptId={attemptId} waitFor="checks" label="Running checks…" />
        </>
      )}
    </section>
  );
}

function Verified({ view }: { view: ConsentResultView }) {
  const org = view.organization;
  return (
    <section aria-labelledby="done-title" data-status="verified">
      <h1 id="done-title" className="text-2xl font-semibold text-emerald-800">
        {org?.name ? `${org.name} is connected` : "Your organization is connected"}
      </h1>
      <p className="mt-3 text-slate-700">
        Microsoft confirmed the consent: {view.appName} now has its own access to your organization
        {org?.initialDomain ? (
          <>
            {" "}
            (<span className="font-mono">{org.initialDomain}</span>)
          </>
        ) : null}
        . {view.partnerName} sees the same result.
      </p>
      {view.signedIn ? (
        <p className="mt-2 text-sm text-slate-600" data-testid="signed-in-as">
          Confirmed by your sign-in as {view.signedIn.name} (<span className="font-mono">{view.signedIn.upn}</span>).
        </p>
      ) : null}
      <h2 className="mt-6 text-lg font-semibold">What {view.appName} can now do</h2>
      <PermissionList items={view.granted} testId="granted" />
      {view.missing.length ? (
        <>
          <h2 className="mt-6 text-lg font-semibold text-amber-800">Not granted yet</h2>
          <p className="mt-1 text-slate-700">
            The app is configured for these too, but your organization has not granted them, so the features that need them will not work. Open your
            invite link again and accept to grant them.
          </p>
          <PermissionList items={view.missing} testId="missing" />
        </>
      ) : (
        <p className="mt-6 text-slate-700" data-testid="nothing-missing">
          Nothing is missing: every permission the app needs was granted.
        </p>
      )}
      {view.pending.length ? (
        <>
          <h2 className="mt-6 text-lg font-semibold">Granted, still reaching Microsoft&rsquo;s services</h2>
          <p className="mt-1 text-slate-700">These are granted; Microsoft has not yet put them in the app&rsquo;s access token. Nothing to do: this resolves by itself.</p>
          <PermissionList items={view.pending} testId="pending" />
        </>
      ) : null}
      {view.actions.length ? (
        <section aria-labelledby="actions-title" className="mt-6 rounded-md border border-amber-300 bg-amber-50 p-4" data-testid="customer-actions">
          <h2 id="actions-title" className="text-lg font-semibold text-amber-900">
            One more step for your administrator
          </h2>
          <ul className="mt-2 space-y-3">
            {view.actions.map((a) => (
              <li key={a.title}>
                <p className="font-medium">{a.title}</p>
                <p className="text-sm text-slate-800">{a.fix}</p>
              </li>
            ))}
          </ul>
          <p className="mt-2 text-sm text-slate-700">Consenting again does not change this.</p>
        </section>
      ) : null}
      <p className="mt-6 text-sm text-slate-500">Tenant ID: <span className="font-mono">{view.tenantId}</span></p>
    </section>
  );
}

function Failed({ view }: { view: ConsentResultView }) {
  const replication = view.error?.code === "AADSTS7000229" || view.error?.code === "AADSTS700016" || view.error?.code === "no_roles";
  return (
    <section aria-labelledby="failed-title" data-status="failed">
      <h1 id="failed-title" className="text-2xl font-semibold text-red-800">
        {replication ? "Microsoft has not finished the consent yet" : "The consent could not be confirmed"}
      </h1>
      <p className="mt-3 text-slate-700">
        {replication
          ? "You accepted, but after several tries Microsoft still does not let the app in. This usually resolves within minutes."
          : "You accepted, but Microsoft refused the app's sign-in to your organization. This is most often a setting on the app's side."}
      </p>
      <p className="mt-3 font-medium">
        {replication
          ? `${view.partnerName} can re-test your organization from their dashboard; you do not need to do anything else.`
          : `${view.partnerName} has been told and will follow up. Quote the code below if you contact them.`}
      </p>
      <dl className="mt-4 grid grid-cols-[max-content_1fr] gap-x-4 gap-y-1 rounded-md bg-slate-100 p-4 text-sm">
        <dt className="text-slate-500">Code</dt>
        <dd className="font-mono">{view.error?.code ?? "unknown"}</dd>
        <dt className="text-slate-500">Detail</dt>
        <dd className="break-words">{view.error?.message ?? "none"}</dd>
        <dt className="text-slate-500">Tenant ID</dt>
        <dd className="font-mono">{view.tenantId}</dd>
      </dl>
    </section>
  );
}

// GET /consent/result/<attemptId> — the admin's result: waiting, then verified or failed.
export default async function ConsentResultPage({ params }: { params: Promise<{ attemptId: string }> }) {
  const { attemptId } = await params;
  const view = await getConsentResultView(attemptId, (await cookies()).get(BOUND_COOKIE)?.value);
  // Another browser, or an unknown ID: the same 404 (./not-found.tsx), so neither tells the other apart.
  if (!view) notFound();
  return (
    <PublicCard>
      {view.status === "verifying" ? (
        <Verifying view={view} attemptId={attemptId} />
      ) : view.status === "verified" ? (
        <>
          <Verified view={view} />
          <Checks view={view} attemptId={attemptId} />
        </>
      ) : (
        <Failed view={view} />
      )}
    </PublicCard>
  );
}
