import Link from "next/link";

import type { AppError } from "@/lib/errors";

/** A problem, said plainly: what happened, what to do, and the IDs support will ask for. */
export function ProblemView({ problem }: { problem: AppError }) {
  return (
    <section aria-labelledby="problem-title" data-problem={problem.code}>
      <h1 id="problem-title" className="text-2xl font-semibold text-slate-900">
        {problem.title}
      </h1>
      <p className="mt-3 text-slate-700">{problem.message}</p>
      {problem.next ? <p className="mt-3 font-medium text-slate-900">{problem.next}</p> : null}
      {problem.details?.length ? (
        <dl className="mt-4 grid grid-cols-[max-content_1fr] gap-x-4 gap-y-1 rounded-md bg-slate-100 p-4 text-sm">
          {problem.details.map((d) => (
            <div key={d.label} className="contents">
              <dt className="text-slate-600">{d.label}</dt>
              {/* Codes and IDs in monospace; a sentence (an instruction) in the text font, wrapped between words. */}
              <dd className={/\s/.test(d.value) ? "[overflow-wrap:anywhere]" : "font-mono [overflow-wrap:anywhere]"}>{d.value}</dd>
            </div>
          ))}
        </dl>
      ) : null}
    </section>
  );
}

/**
 * The frame of the pages a customer's admin sees: no dashboard chrome. Also the frame
 * of the 404 and error pages, so a wrong link still looks like this portal.
 */
export function PublicCard({ children }: { children: React.ReactNode }) {
  return (
    <main id="main" className="mx-auto max-w-2xl px-4 py-12">
      <p className="text-sm font-semibold uppercase tracking-wide text-brand-700">Consentry</p>
      <div className="mt-3 rounded-lg border border-slate-200 bg-white p-8 shadow-sm">{children}</div>
    </main>
  );
}

/** The way out of a problem page: back to the start. */
export function HomeLink() {
  return (
    <Link href="/" className="mt-6 inline-block rounded-md bg-brand-600 px-5 py-2.5 font-semibold text-white hover:bg-brand-700">
      Go to the home page
    </Link>
  );
}

/** The body of the error pages (app/error.tsx, app/global-error.tsx): what happened, a reference, a way out. */
export function ErrorContent({ digest, retry }: { digest: string | undefined; retry: () => void }) {
  return (
    <section aria-labelledby="problem-title" data-problem="server_error">
      <h1 id="problem-title" className="text-2xl font-semibold text-slate-900">
        Something went wrong on our side
      </h1>
      <p className="mt-3 text-slate-700">This page could not be shown. The error has been logged.</p>
      <p className="mt-3 font-medium text-slate-900">Try again in a moment. If it keeps happening, tell your contact and quote the reference below.</p>
      {digest ? (
        <dl className="mt-4 grid grid-cols-[max-content_1fr] gap-x-4 gap-y-1 rounded-md bg-slate-100 p-4 text-sm">
          <dt className="text-slate-600">Reference</dt>
          <dd className="break-all font-mono">{digest}</dd>
        </dl>
      ) : null}
      <div className="flex flex-wrap items-center gap-3">
        <button type="button" onClick={() => retry()} className="mt-6 rounded-md border border-slate-300 bg-white px-5 py-2.5 font-semibold text-slate-900 hover:bg-slate-50">
          Try again
        </button>
        <HomeLink />
      </div>
    </section>
  );
}
