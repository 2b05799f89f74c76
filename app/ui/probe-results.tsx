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
    <table className="mt-2 w-full text-sm" data-testid="truth-table">
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
  );
}

/** Pass and fail counts of recent runs, oldest first, as small bars. */
export function HistoryChart({ history }: { history: { id: string; startedAt: string; passed: number; failed: number }[] }) {
  if (history.length === 0) return <p className="text-sm text-slate-500">No runs yet.</p>;
  const max = Math.max(1, ...history.map((h) => h.passed + h.failed));
  const width = 12;
  return (
    <svg role="img" aria-label={`Last ${history.length} runs: passed and failed probes`} width={history.length * (width + 4)} height={60} className="mt-2" data-testid="history-chart">
      {history.map((h, i) => {
        const passH = (h.passed / max) * 56;
        const failH = (h.failed / max) * 56;
        return (
          <g key={h.id} transform={`translate(${i * (width + 4)},0)`}>
            <title>{`${h.startedAt.slice(0, 16).replace("T", " ")}: ${h.passed} passed, ${h.failed} failed`}</title>
            <rect y={58 - passH - failH} width={width} height={failH} fill="#b91c1c" />
            <rect y={58 - passH} width={width} height={passH} fill="#047857" />
          </g>
        );
      })}
    </svg>
  );
}
