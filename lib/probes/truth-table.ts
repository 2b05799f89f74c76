import type { ProbeResult } from "@/lib/db/repositories/probe-runs";
import { PROBES } from "@/lib/probes/catalog";
import type { RunSummary } from "@/lib/probes/run-tenant";

export interface TruthRow {
  permission: string;
  configured: boolean;
  /** In the service principal's appRoleAssignments; null when they could not be read. */
  granted: boolean | null;
  /** In the roles of the token the probes used; null without a token. */
  inToken: boolean | null;
  /** The probe's result across the run's iterations. */
  proven: "pass" | "fail" | "skip" | "none";
  passes: number;
  attempts: number;
  /** Drift, in words, with whether the re-consent link fixes it. */
  drift: { text: string; reconsent: boolean } | null;
}

/**
 * Configured vs granted vs in the token vs proven, per permission. Drift is what
 * partners miss for weeks: configured but never granted, granted but not in the
 * token, or in the token with the call still denied.
 */
export function buildTruthTable(configured: readonly string[], summary: RunSummary | null, results: ProbeResult[]): TruthRow[] {
  const granted = summary?.grantedRoles ?? null;
  const tokenRoles = [...(summary?.tokenRoles ?? []), ...(summary?.exchangeTokenRoles ?? [])];
  const haveToken = summary ? summary.tokenRoles !== null || summary.exchangeTokenRoles !== null : false;
  const names = [...new Set([...configured, ...(granted ?? []).filter((g) => !g.startsWith("appRole:"))])];
  return names.map((permission) => {
    const probe = PROBES.find((p) => p.permission === permission);
    const mine = probe ? results.filter((r) => r.probe === probe.key) : [];
    const passes = mine.filter((r) => r.outcome === "pass").length;
    const fails = mine.filter((r) => r.outcome === "fail").length;
    const proven: TruthRow["proven"] = mine.length === 0 ? "none" : fails > 0 ? "fail" : passes > 0 ? "pass" : "skip";
    const isConfigured = configured.includes(permission);
    const isGranted = granted === null ? null : granted.includes(permission);
    const inToken = haveToken ? tokenRoles.includes(permission) : null;
    let drift: TruthRow["drift"] = null;
    if (isConfigured && (isGranted === false || (isGranted === null && inToken === false))) drift = { text: "Configured but not granted: the tenant consented before this permission was added.", reconsent: true };
    else if (isGranted && inToken === false) drift = { text: "Granted but not in the token yet: Microsoft may still be replicating, or the token predates the grant.", reconsent: false };
    else if (inToken && proven === "fail") drift = { text: "In the token, but the call still fails: see the probe's finding.", reconsent: false };
    else if (!isConfigured && isGranted) drift = { text: "Granted but no longer configured on the app: more access than the app needs.", reconsent: false };
    return { permission, configured: isConfigured, granted: isGranted, inToken, proven, passes, attempts: passes + fails, drift };
  });
}
