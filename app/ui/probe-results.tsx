import { FindingCard } from "@/app/ui/finding-card";
import { TableHead } from "@/app/ui/table-head";
import type { ProbeLine } from "@/lib/probes/tenant-view";
import type { TruthRow } from "@/lib/probes/truth-table";

const OUTCOME_STYLE: Record<string, string> = { pass: "text-emerald-800", fail: "text-red-800", skip: "text-slate-500", none: "text-slate-400" };

/** Each probe's latest result, and for failures the finding: evidence, who acts, the fix. */
export function ProbeResults({ lines }: { lines: ProbeLine[] }) {
  return (
    <ul className="mt-2 space-y-2" data-testid="probe-results">
      {lines.map((line) => (
        <li key={line.probe} className="rounded border border-slate-200 bg-white p-3" data-probe={line.probe}>
          <div className="flex flex-wrap items-baseline gap-x-3">
            <strong className={OUTCOME_STYLE[line.latest.outcome]}>{line.latest.outcome.toUpperCase()}</strong>
            <span className="font-medium">{line.title}</span>
            {line.permission ? <span className="font-mono text-xs text-slate-500">{line.permission}</span> : null}
            {line.attempts > 1 ? (
              <span className={`text-xs ${line.passes === line.attempts ? "text-emerald-800" : "font-semibold text-red-800"}`} data-testid="pass-rate">
                passed {line.passes} of {line.attempts}
              </span>
            ) : null}
            <span className="ml-auto text-xs text-slate-500">
              {line.latest.httpStatus ?? "no answer"}
              {line.latest.latencyMs !== null ? ` · ${line.latest.latencyMs} ms` : ""}
              {line.latest.requestId ? ` · request-id ${line.latest.requestId}` : ""}
            </span>
          </div>
          {line.latest.outcome === "pass" ? <p className="text-sm text-slate-600">Proves {line.proves}.</p> : null}
          {line.latest.outcome === "skip" ? <p className="text-sm text-slate-600">Skipped: {line.latest.errorMessage}</p> : null}
          {line.finding ? <FindingCard finding={line.finding} reconsentHint /> : null}
        </li>
      ))}
    </ul>
  );
}

const mark = (v: boolean | null) => (v === null ? "unknown" : v ? "yes" : "no");

export function TruthTable({ rows }: { rows: TruthRow[] }) {
  return (
    <div className="mt-2 overflow-x-auto">
    <table className="w-full text-sm" data-testid="truth-table">
      <TableHead columns={["Permission", "Configured", "Granted", "In token", "Proven", "Drift"]} dense />
      <tbody>
        {rows.map((r) => (
          <tr key={r.name} className="border-b border-slate-100 align-top" data-permission={r.permission} data-name={r.name} data-state={r.state}>
            <td className="py-1 pr-3 font-mono" title={r.description ?? undefined}>
              {r.name}
            </td>
            <td className="py-1 pr-3">{mark(r.configured)}</td>
            <td className="py-1 pr-3">{mark(r.granted)}</td>
            <td className="py-1 pr-3">{mark(r.inToken)}</td>
            <td className={`py-1 pr-3 ${OUTCOME_STYLE[r.proven]}`}>
              {r.coverage === "no-probe" ? (
                <span className="text-slate-500">no probe</span>
              ) : r.coverage === "write-only" ? (
                <span className="text-slate-500">not exercised: this permission only writes</span>
              ) : r.attempts > 1 ? (
                `${r.passes}/${r.attempts}`
              ) : (
                r.proven
              )}
            </td>
            <td className="py-1 pr-3 text-amber-900">{r.drift?.text ?? ""}</td>
          </tr>
        ))}
      </tbody>
    </table>
    </div>
  );
}

const W = 560;
const H = 180;
const PAD = { left: 40, right: 12, top: 10, bottom: 34 };

/**
 * The pass rate of recent runs (passed probes ÷ probes that ran), oldest first, as a line with
 * axes: 0–100 % up the side, the runs' dates along the bottom. The same numbers are in a table
 * for screen readers and for anyone who wants the figures.
 */
export function HistoryChart({ history }: { history: { id: string; startedAt: string; passed: number; failed: number }[] }) {
  if (history.length === 0) return <p className="text-sm text-slate-500">No runs yet.</p>;
  const points = history.map((h, i) => {
    const ran = h.passed + h.failed;
    const rate = ran ? h.passed / ran : 0;
    const x = PAD.left + (history.length === 1 ? (W - PAD.left - PAD.right) / 2 : (i / (history.length - 1)) * (W - PAD.left - PAD.right));
    const y = PAD.top + (1 - rate) * (H - PAD.top - PAD.bottom);
    return { ...h, ran, rate, x, y, label: h.startedAt.slice(5, 16).replace("T", " ") };
  });
  const ticks = [0, 0.5, 1];
  const labelEvery = Math.max(1, Math.ceil(points.length / 6));
  return (
    <figure className="mt-2" data-testid="history-chart">
      <svg role="img" aria-labelledby="history-chart-title" viewBox={`0 0 ${W} ${H}`} className="h-auto w-full max-w-xl">
        <title id="history-chart-title">{`Pass rate of the last ${history.length} runs, from ${Math.round(points[0]!.rate * 100)}% to ${Math.round(points[points.length - 1]!.rate * 100)}%`}</title>
        {ticks.map((t) => {
          const y = PAD.top + (1 - t) * (H - PAD.top - PAD.bottom);
          return (
            <g key={t}>
              <line x1={PAD.left} x2={W - PAD.right} y1={y} y2={y} stroke="#e2e8f0" />
              <text x={PAD.left - 6} y={y + 4} textAnchor="end" fontSize="11" fill="#475569">
                {Math.round(t * 100)}%
              </text>
            </g>
          );
        })}
        <line x1={PAD.left} x2={PAD.left} y1={PAD.top} y2={H - PAD.bottom} stroke="#94a3b8" />
        <line x1={PAD.left} x2={W - PAD.right} y1={H - PAD.bottom} y2={H - PAD.bottom} stroke="#94a3b8" />
        {points.length > 1 ? <polyline points={points.map((p) => `${p.x},${p.y}`).join(" ")} fill="none" stroke="#1f5fbf" strokeWidth="2" /> : null}
        {points.map((p, i) => (
          <g key={p.id}>
            <circle cx={p.x} cy={p.y} r="3.5" fill={p.failed ? "#b91c1c" : "#047857"}>
              <title>{`${p.label} UTC: ${p.passed} of ${p.ran} passed (${Math.round(p.rate * 100)}%)`}</title>
            </circle>
            {i % labelEvery === 0 || i === points.length - 1 ? (
              <text x={p.x} y={H - PAD.bottom + 16} textAnchor="middle" fontSize="10" fill="#475569">
                {p.label.slice(0, 5)}
              </text>
            ) : null}
          </g>
        ))}
        <text x={(PAD.left + W - PAD.right) / 2} y={H - 4} textAnchor="middle" fontSize="10" fill="#64748b">
          run date (UTC)
        </text>
      </svg>
      <details className="mt-1 text-xs text-slate-600">
        <summary className="cursor-pointer">The figures</summary>
        <table className="mt-1">
          <thead>
            <tr>
              <th scope="col" className="pr-3 text-left font-medium">Run (UTC)</th>
              <th scope="col" className="pr-3 text-left font-medium">Passed</th>
              <th scope="col" className="text-left font-medium">Pass rate</th>
            </tr>
          </thead>
          <tbody>
            {points.map((p) => (
              <tr key={p.id}>
                <td className="pr-3">{p.startedAt.replace("T", " ").slice(0, 16)}</td>
                <td className="pr-3">
                  {p.passed} of {p.ran}
                </td>
                <td>{Math.round(p.rate * 100)}%</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}
