import type { Problem } from "@/lib/consent/problems";

/** A problem, said plainly: what happened, what to do, and the IDs support will ask for. */
export function ProblemView({ problem }: { problem: Problem }) {
  return (
    <section aria-labelledby="problem-title" data-problem={problem.kind}>
      <h1 id="problem-title" className="text-2xl font-semibold text-slate-900">
        {problem.title}
      </h1>
      <p className="mt-3 text-slate-700">{problem.explanation}</p>
      <p className="mt-3 font-medium text-slate-900">{problem.next}</p>
      {problem.details?.length ? (
        <dl className="mt-4 grid grid-cols-[max-content_1fr] gap-x-4 gap-y-1 rounded-md bg-slate-100 p-4 text-sm">
          {problem.details.map((d) => (
            <div key={d.label} className="contents">
              <dt className="text-slate-500">{d.label}</dt>
              <dd className="break-all font-mono">{d.value}</dd>
            </div>
          ))}
        </dl>
      ) : null}
    </section>
  );
}

/** The frame of the pages a customer's admin sees: no dashboard chrome. */
export function PublicCard({ children }: { children: React.ReactNode }) {
  return (
    <main id="main" className="mx-auto max-w-2xl px-4 py-12">
      <p className="text-sm font-semibold uppercase tracking-wide text-brand-600">Consentry</p>
      <div className="mt-3 rounded-lg border border-slate-200 bg-white p-8 shadow-sm">{children}</div>
    </main>
  );
}
