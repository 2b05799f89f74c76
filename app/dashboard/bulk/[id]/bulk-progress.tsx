"use client";

import { useEffect, useState } from "react";

import type { BulkProgressView } from "@/lib/probes/bulk";

function duration(seconds: number | null): string {
  if (seconds === null) return "estimating…";
  if (seconds < 60) return `${seconds} s`;
  return `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
}

/** Live progress of a bulk run; it lives in the database, so a reload picks it up again. */
export function BulkProgress({ initial }: { initial: BulkProgressView }) {
  const [view, setView] = useState(initial);
  useEffect(() => {
    if (view.status !== "running") return;
    const timer = setInterval(async () => {
      try {
        const response = await fetch(`/api/bulk-runs/${view.id}`, { cache: "no-store" });
        if (response.ok) setView((await response.json()) as BulkProgressView);
      } catch {
        // try again on the next tick
      }
    }, 1000);
    return () => clearInterval(timer);
  }, [view.id, view.status]);
  const pct = view.total ? Math.round(((view.done + view.failed) / view.total) * 100) : 100;
  return (
    <section aria-labelledby="bulk-title" data-testid="bulk-progress" data-status={view.status}>
      <h1 id="bulk-title" className="text-2xl font-semibold">
        {view.status === "running" ? "Testing all tenants…" : "All tenants tested"}
      </h1>
      <div className="mt-4 h-3 w-full overflow-hidden rounded bg-slate-200" role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={pct} aria-label="Progress">
        <div className="h-full bg-brand-600 transition-all" style={{ width: `${pct}%` }} />
      </div>
      <dl className="mt-4 grid grid-cols-2 gap-x-6 gap-y-1 text-sm sm:grid-cols-4" aria-live="polite">
        <dt className="text-slate-500">Done</dt>
        <dd data-testid="bulk-done">{view.done}</dd>
        <dt className="text-slate-500">Checks failing</dt>
        <dd data-testid="bulk-failing-checks">
          {view.failingChecks ? (
            <a href={`/dashboard?failedInBulkRun=${view.id}`} className="font-semibold text-red-800 underline">
              {view.failingChecks} tenant{view.failingChecks === 1 ? "" : "s"}
            </a>
          ) : (
            "none"
          )}
        </dd>
        <dt className="text-slate-500">Could not be tested</dt>
        <dd data-testid="bulk-failed">{view.failed}</dd>
        <dt className="text-slate-500">Remaining</dt>
        <dd data-testid="bulk-remaining">{view.remaining}</dd>
        {view.awaitingTakeover > 0 ? (
          <>
            <dt className="text-slate-500">Awaiting takeover</dt>
            <dd data-testid="bulk-awaiting-takeover" title="Held by an instance that stopped renewing its leases; another instance takes them when the lease runs out (at most 20 s).">
              {view.awaitingTakeover}
            </dd>
          </>
        ) : null}
        <dt className="text-slate-500">Total</dt>
        <dd>{view.total}</dd>
        <dt className="text-slate-500">Rate</dt>
        <dd>{view.perMinute !== null ? `${view.perMinute} tenants/min` : "—"}</dd>
        <dt className="text-slate-500">{view.status === "running" ? "ETA" : "Took"}</dt>
        <dd>{view.status === "running" ? duration(view.etaSeconds) : duration(view.elapsedSeconds)}</dd>
      </dl>
      <p className="mt-3 text-xs text-slate-500">
        Started by {view.requestedBy}. Leaving this page does not stop the run; after a restart it resumes where it stopped.
      </p>
    </section>
  );
}
