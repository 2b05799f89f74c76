import { z } from "zod";

import type { ProbeResult } from "@/lib/db/repositories/probe-runs";
import { assessPermissions, resolveGrantedRoles, type PermissionAssessment, type PermissionState } from "@/lib/permissions/assess";
import { formatPermission, knownPermission, parsePermissionName, type PermissionEntry, type PermissionRef, type ResourceKey } from "@/lib/permissions/catalog";
import { probeFor, WRITE_ONLY_PERMISSIONS } from "@/lib/probes/catalog";
import type { RunSummary } from "@/lib/probes/run-tenant";
import { AppError } from "@/lib/errors";

export interface TruthRow {
  /** The role value (`Sites.Read.All`). */
  permission: string;
  resource: ResourceKey;
  /** `Graph/Sites.Read.All`. */
  name: string;
  displayName: string | null;
  description: string | null;
  configured: boolean;
  /** In the service principal's appRoleAssignments; null when they could not be read. */
  granted: boolean | null;
  /** In the roles of the token for this permission's resource; null without such a token. */
  inToken: boolean | null;
  state: PermissionState;
  /** The probe's result across the run's iterations. */
  proven: "pass" | "fail" | "skip" | "none";
  /** How the permission is proven: by a probe, by nothing (no probe), or only by grant and token (write-only). */
  coverage: "probe" | "no-probe" | "write-only";
  passes: number;
  attempts: number;
  /** Drift, in words, with whether the re-consent link fixes it. */
  drift: { text: string; reconsent: boolean } | null;
}

/** A truth-table row as the API documents and checks it. */
export const truthRowSchema = z.object({
  permission: z.string(),
  resource: z.enum(["graph", "exchange", "sharepoint"]),
  name: z.string(),
  displayName: z.string().nullable(),
  description: z.string().nullable(),
  configured: z.boolean(),
  granted: z.boolean().nullable(),
  inToken: z.boolean().nullable(),
  state: z.string(),
  proven: z.enum(["pass", "fail", "skip", "none"]),
  coverage: z.enum(["probe", "no-probe", "write-only"]),
  passes: z.number().int(),
  attempts: z.number().int(),
  drift: z.object({ text: z.string(), reconsent: z.boolean() }).nullable(),
}) satisfies z.ZodType<Omit<TruthRow, "state" | "resource">>;

function isWriteOnly(ref: PermissionRef): boolean {
  return WRITE_ONLY_PERMISSIONS.has(`${ref.resource}/${ref.value}`);
}

function toEntry(p: string | PermissionEntry): PermissionEntry {
  if (typeof p !== "string") return p;
  const parsed = parsePermissionName(p);
  if ("error" in parsed) throw new AppError("invalid_input", parsed.error);
  const known = knownPermission(parsed);
  return { ...parsed, appRoleId: known?.appRoleId ?? null, displayName: null, description: known?.description ?? null };
}

/** The evidence a probe run recorded, in the shape {@link assessPermissions} takes. */
export function evidenceFromSummary(configured: readonly PermissionEntry[], summary: RunSummary | null) {
  const granted = summary?.grantedRoles ? resolveGrantedRoles(summary.grantedRoles, configured) : null;
  return {
    configured,
    granted: granted?.refs ?? null,
    grantedUnresolved: granted?.unresolved ?? 0,
    tokenRoles: { graph: summary?.tokenRoles ?? null, exchange: summary?.exchangeTokenRoles ?? null, sharepoint: summary?.sharepointTokenRoles ?? null },
  };
}

function driftOf(row: PermissionAssessment, proven: TruthRow["proven"], results: ProbeResult[]): TruthRow["drift"] {
  // Exchange's RBAC for Applications grants mailbox permissions outside Entra ID, for a scope of mailboxes.
  const viaRbac = row.state === "not-granted" && (proven === "pass" || results.some((r) => (r.finding as { id?: string } | null)?.id === "rbac_scope_excludes_mailbox"));
  if (viaRbac) return { text: "Not granted in Entra ID: Exchange RBAC for Applications grants it for a scope of mailboxes (see the probe's finding).", reconsent: false };
  if (row.state === "not-granted") return { text: "Configured but not granted: the tenant consented before this permission was added.", reconsent: true };
  if (row.state === "not-in-token") return { text: "Granted but not in the token yet: Microsoft may still be replicating, or the token predates the grant.", reconsent: false };
  if (row.inToken && proven === "fail") return { text: "In the token, but the call still fails: see the probe's finding.", reconsent: false };
  if (row.state === "extra") return { text: "Granted but no longer configured on the app: more access than the app needs.", reconsent: false };
  return null;
}

/**
 * Configured vs granted vs in the token vs proven, per permission. Drift is what
 * partners miss for weeks: configured but never granted, granted but not in the
 * token, or in the token with the call still denied.
 */
export function buildTruthTable(configured: readonly (string | PermissionEntry)[], summary: RunSummary | null, results: ProbeResult[]): TruthRow[] {
  const assessed = assessPermissions(evidenceFromSummary(configured.map(toEntry), summary));
  return assessed.rows.map((row) => {
    const probe = probeFor(row.resource, row.value) ?? null;
    const mine = probe ? results.filter((r) => r.probe === probe.key) : [];
    const passes = mine.filter((r) => r.outcome === "pass").length;
    const fails = mine.filter((r) => r.outcome === "fail").length;
    const proven: TruthRow["proven"] = mine.length === 0 ? "none" : fails > 0 ? "fail" : passes > 0 ? "pass" : "skip";
    return {
      permission: row.value,
      resource: row.resource,
      name: formatPermission(row),
      displayName: row.displayName,
      description: row.description,
      configured: row.configured,
      granted: row.granted,
      inToken: row.inToken,
      state: row.state,
      proven,
      coverage: probe ? "probe" : isWriteOnly(row) ? "write-only" : "no-probe",
      passes,
      attempts: passes + fails,
      drift: driftOf(row, proven, mine),
    };
  });
}
