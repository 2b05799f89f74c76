import "server-only";

import { getDb } from "@/lib/db/database";
import { listProbeRuns, type ProbeResult, type ProbeRun } from "@/lib/db/repositories/probe-runs";
import { currentPermissionSet } from "@/lib/permissions/permission-set";
import { ALL_PROBE_KEYS, PROBES } from "@/lib/probes/catalog";
import type { Finding } from "@/lib/diagnosis/finding";
import { latestProbeRun, runSummarySchema, type RunSummary } from "@/lib/probes/run-tenant";
import { buildTruthTable, type TruthRow } from "@/lib/probes/truth-table";

export interface ProbeLine {
  probe: string;
  title: string;
  permission: string | null;
  proves: string;
  /** The last iteration's result. */
  latest: ProbeResult;
  passes: number;
  attempts: number;
  finding: Finding | null;
}

export interface TenantProbesView {
  latest: { run: ProbeRun; summary: RunSummary | null; lines: ProbeLine[] } | null;
  truth: TruthRow[];
  history: { id: string; startedAt: string; status: ProbeRun["status"]; passed: number; failed: number }[];
}

const TITLES: Record<string, { title: string; proves: string }> = {
  token: { title: "App-only token (Graph)", proves: "the consent exists, the token is for this tenant and carries roles" },
  "exchange-token": { title: "App-only token (Exchange)", proves: "the app can get a token for Exchange Online" },
  "sharepoint-token": { title: "App-only token (SharePoint)", proves: "the app can get a token for the tenant's SharePoint Online" },
  ...Object.fromEntries(PROBES.map((p) => [p.key, { title: p.title, proves: p.proves }])),
};

/** What the tenant page shows about probes: latest results with findings, the truth table, history. */
export async function getTenantProbesView(tenantId: string): Promise<TenantProbesView> {
  const db = await getDb();
  const latest = await latestProbeRun(db, tenantId);
  const runs = await listProbeRuns(db, tenantId, { limit: 30 });
  const history = runs
    .map((r) => {
      const s = runSummarySchema.safeParse(r.summary);
      const counts = s.success ? Object.values(s.data.probes) : [];
      return { id: r.id, startedAt: r.startedAt, status: r.status, passed: counts.reduce((n, c) => n + c.pass, 0), failed: counts.reduce((n, c) => n + c.fail, 0) };
    })
    .reverse();
  // The permissions in force now (the app registration's), so an added one shows as not granted.
  const configured = (await currentPermissionSet(db)).permissions;
  if (!latest) return { latest: null, truth: buildTruthTable(configured, null, []), history };
  const byProbe = new Map<string, ProbeResult[]>();
  for (const r of latest.results) byProbe.set(r.probe, [...(byProbe.get(r.probe) ?? []), r]);
  const lines: ProbeLine[] = [...byProbe.entries()].map(([probe, results]) => {
    const sorted = [...results].sort((a, b) => a.iteration - b.iteration);
    const last = sorted[sorted.length - 1]!;
    const failing = [...sorted].reverse().find((r) => r.finding);
    return {
      probe,
      title: TITLES[probe]?.title ?? probe,
      permission: last.permission,
      proves: TITLES[probe]?.proves ?? "",
      latest: last,
      passes: sorted.filter((r) => r.outcome === "pass").length,
      attempts: sorted.filter((r) => r.outcome !== "skip").length,
      finding: (failing?.finding as Finding | null) ?? null,
    };
  });
  const order = ALL_PROBE_KEYS;
  lines.sort((a, b) => order.indexOf(a.probe) - order.indexOf(b.probe));
  return { latest: { run: latest.run, summary: latest.summary, lines }, truth: buildTruthTable(configured, latest.summary, latest.results), history };
}
