import Link from "next/link";

import { getPortalStatus } from "@/lib/status/portal-status";

export const dynamic = "force-dynamic";

const STEPS = [
  {
    title: "Invite",
    body: "Create a link for each customer. It opens a page that says which app asks for which permissions, and why.",
  },
  {
    title: "Consent",
    body: "The customer's Global Administrator approves on Microsoft's own consent screen and comes back to a clear result.",
  },
  {
    title: "Verify",
    body: "Consentry proves the consent with a real app-only token for that tenant, waiting out Microsoft's replication delay.",
  },
  {
    title: "Prove",
    body: "Every permission is tested against Microsoft Graph and Exchange Online, with a diagnosis and the exact fix when one fails.",
  },
];

// GET / — what Consentry is, and what this installation runs on.
export default async function HomePage() {
  const status = await getPortalStatus();
  return (
    <main id="main" className="mx-auto max-w-5xl px-6 py-16">
      <header className="max-w-3xl">
        <p className="text-sm font-semibold uppercase tracking-wide text-brand-600">Consentry</p>
        <h1 className="mt-2 text-4xl font-bold tracking-tight text-slate-900">
          Onboard customer tenants by admin consent, and prove your app really works there.
        </h1>
        <p className="mt-4 text-lg text-slate-600">
          For ISVs, MSPs and CSP partners whose multi-tenant Microsoft Entra ID app reads Microsoft Graph and Exchange
          Online on its own (app-only). Consentry takes each customer from an invite link to a verified, tested tenant,
          and tells you precisely what to fix when a permission does not work.
        </p>
        <div className="mt-6 flex flex-wrap gap-3">
          <Link href="/dashboard" className="rounded-md bg-brand-600 px-5 py-2.5 font-semibold text-white hover:bg-brand-700">
            Partner dashboard
          </Link>
          {status.openOnboarding ? (
            <Link href="/consent" className="rounded-md border border-slate-300 bg-white px-5 py-2.5 font-semibold hover:bg-slate-50">
              Connect your Microsoft 365
            </Link>
          ) : null}
        </div>
        <p className="mt-3 text-sm text-slate-500">Customer administrators: open the invite link your service provider sent you.</p>
      </header>

      <section aria-labelledby="how-heading" className="mt-12">
        <h2 id="how-heading" className="text-xl font-semibold">
          How it works
        </h2>
        <ol className="mt-4 grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
          {STEPS.map((step, index) => (
            <li key={step.title} className="rounded-lg border border-slate-200 bg-white p-5 shadow-sm">
              <p className="text-sm font-medium text-brand-600">Step {index + 1}</p>
              <h3 className="mt-1 font-semibold">{step.title}</h3>
              <p className="mt-2 text-sm text-slate-600">{step.body}</p>
            </li>
          ))}
        </ol>
      </section>

      <section aria-labelledby="install-heading" className="mt-12 rounded-lg border border-slate-200 bg-white p-6 shadow-sm">
        <h2 id="install-heading" className="text-xl font-semibold">
          This installation
        </h2>
        <dl className="mt-4 grid gap-x-8 gap-y-3 text-sm sm:grid-cols-[max-content_1fr]">
          <dt className="font-medium text-slate-500">Cloud</dt>
          <dd data-testid="status-cloud">{status.cloudLabel}</dd>
          <dt className="font-medium text-slate-500">Database</dt>
          <dd data-testid="status-database">
            {status.database.engine === "sqlite" ? "SQLite (embedded)" : "PostgreSQL"}, schema version {status.database.schemaVersion}
          </dd>
          <dt className="font-medium text-slate-500">App (client) ID</dt>
          <dd className="font-mono">{status.clientId}</dd>
          <dt className="font-medium text-slate-500">App credential</dt>
          <dd>
            {status.credential === "certificate"
              ? "Certificate"
              : status.credential === "secret"
                ? "Client secret"
                : "None configured yet"}
          </dd>
        </dl>
      </section>
    </main>
  );
}
