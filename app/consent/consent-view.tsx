import type { ConsentPageView } from "@/lib/consent/views";

/** The consent page's content; works without JavaScript (the button is a plain form). */
export function ConsentView({ view, pageUrl }: { view: ConsentPageView; pageUrl: string }) {
  return (
    <article aria-labelledby="consent-title">
      <h1 id="consent-title" className="text-2xl font-semibold text-slate-900">
        Connect {view.customerName ? <span data-testid="customer-name">{view.customerName}</span> : "your organization"} to {view.appName}
      </h1>
      <p className="mt-3 text-slate-700">
        <strong>{view.partnerName}</strong> asks an administrator of your Microsoft 365 organization to let{" "}
        <strong data-testid="app-name">{view.appName}</strong> work with your data on its own, without anyone signed in. Microsoft will show you the same
        list and ask you to accept.
      </p>

      <h2 className="mt-6 text-lg font-semibold">What the app will be able to do</h2>
      <ul className="mt-2 divide-y divide-slate-200 rounded-md border border-slate-200" data-testid="permission-list">
        {view.permissions.map((p) => (
          <li key={p.key} className="p-3" data-permission={p.name}>
            <p className="font-medium">
              {p.displayName ?? p.name} <span className="ml-1 whitespace-nowrap font-mono text-xs text-slate-500">{p.name}</span>
            </p>
            <p className="text-sm text-slate-700">{p.description ?? "Microsoft's description could not be read; the name above is the permission's own."}</p>
            <p className="text-sm text-slate-600">
              {p.why ? <>Why: {p.why} </> : null}
              <span className="text-slate-500">({p.resourceLabel})</span>
            </p>
          </li>
        ))}
      </ul>

      <h2 className="mt-6 text-lg font-semibold">Who must approve</h2>
      <p className="mt-2 text-slate-700">
        A <strong>Global Administrator</strong> or <strong>Privileged Role Administrator</strong> of your organization
        {view.tenantHint ? (
          <>
            {" "}
            (<span className="font-mono">{view.tenantHint}</span>)
          </>
        ) : null}
        . Other accounts will see &ldquo;Need admin approval&rdquo;.
      </p>
      <details className="mt-2 text-sm text-slate-700">
        <summary className="cursor-pointer font-medium text-brand-700">Not an administrator?</summary>
        <p className="mt-2">Send this page&rsquo;s address to one of your administrators and ask them to open it:</p>
        <p className="mt-1 break-all rounded bg-slate-100 p-2 font-mono text-xs" data-testid="forward-link">
          {pageUrl}
        </p>
      </details>

      <h2 className="mt-6 text-lg font-semibold">What happens next</h2>
      <ol className="mt-2 list-decimal space-y-1 pl-5 text-slate-700">
        <li>You sign in at Microsoft and review the permissions.</li>
        <li>You choose Accept; Microsoft sends you back here.</li>
        <li>We check with Microsoft that the app really has access (this can take a minute) and show you the result.</li>
      </ol>

      <form method="post" action={view.startPath} className="mt-8">
        <button type="submit" className="rounded-md bg-brand-600 px-5 py-2.5 font-semibold text-white hover:bg-brand-700">
          Continue to Microsoft to grant consent
        </button>
      </form>
      {view.expiresAt ? <p className="mt-3 text-xs text-slate-500">This link works until {new Date(view.expiresAt).toUTCString()}.</p> : null}
    </article>
  );
}
