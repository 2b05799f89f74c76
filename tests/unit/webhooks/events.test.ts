import { describe, expect, it } from "vitest";

import { expiringCredentialEvents } from "@/lib/webhooks/credential-expiry";
import { bulkRunFinishedEvent, payloadOf, tenantNeedsReconsentEvent, tenantOnboardedEvent, WEBHOOK_EVENT_TYPES } from "@/lib/webhooks/events";
import { probeRunEvents, type PreviousRun, type RunForEvents } from "@/lib/webhooks/probe-run-events";

const now = new Date("2026-11-30T12:00:00Z");
const tenantId = "22222222-2222-2222-2222-222222222222";

function run(outcomes: Record<string, "pass" | "fail" | "skip">, extra: Partial<RunForEvents> = {}): RunForEvents {
  const results = Object.entries(outcomes).map(([probe, outcome]) => ({ probe, permission: `${probe}.Read`, outcome, errorCode: outcome === "fail" ? "Denied" : null, finding: outcome === "fail" ? { id: `${probe}_denied` } : null }));
  return { id: "run-new", tenantId, status: results.some((r) => r.outcome === "fail") ? "failed" : "passed", finishedAt: now, results, ...extra };
}
function previous(passed: Record<string, boolean>): PreviousRun {
  return { id: "run-old", status: Object.values(passed).every(Boolean) ? "passed" : "failed", passed: new Map(Object.entries(passed)) };
}
const tenant = { displayName: "Woodgrove", status: "consented" as const };

describe("payloads", () => {
  it("have the Standard Webhooks shape {type, timestamp, data} with the tenant", () => {
    const e = tenantOnboardedEvent({ tenantId, displayName: "Woodgrove", roles: ["User.Read.All"], permissionSetVersion: 2, consentedBy: "admin@woodgrove.example" }, now);
    expect(e.id).toMatch(/^msg_[0-9a-f]{32}$/);
    expect(payloadOf(e)).toEqual({ type: "tenant.onboarded", timestamp: "2026-11-30T12:00:00.000Z", data: { tenantId, displayName: "Woodgrove", roles: ["User.Read.All"], permissionSetVersion: 2, consentedBy: "admin@woodgrove.example" } });
    expect(payloadOf(tenantNeedsReconsentEvent({ tenantId, displayName: null, consentedPermissionSetVersion: 1, currentPermissionSetVersion: 2 }, now)).data).toEqual({ tenantId, displayName: null, consentedPermissionSetVersion: 1, currentPermissionSetVersion: 2 });
    expect(payloadOf(bulkRunFinishedEvent({ bulkRunId: "b1", total: 3, done: 2, failed: 1, failingTenants: 1, requestedBy: "ops@partner", startedAt: "2026-11-30T11:00:00.000Z" }, now)).data).toMatchObject({ bulkRunId: "b1", total: 3, failingTenants: 1, finishedAt: "2026-11-30T12:00:00.000Z" });
  });

  it("list the seven events of the specification", () => {
    expect(WEBHOOK_EVENT_TYPES).toEqual(["tenant.onboarded", "tenant.regressed", "tenant.recovered", "tenant.consent_revoked", "tenant.needs_reconsent", "bulk_run.finished", "credential.expiring"]);
  });
});

describe("probeRunEvents", () => {
  it("announces a regression: a probe that passed before now fails", () => {
    const events = probeRunEvents(run({ token: "pass", mail: "fail", users: "fail" }), tenant, previous({ token: true, mail: true, users: false }));
    expect(events.map((e) => e.type)).toEqual(["tenant.regressed"]);
    expect(events[0]!.data).toEqual({
      tenantId,
      displayName: "Woodgrove",
      probeRunId: "run-new",
      previousProbeRunId: "run-old",
      regressedProbes: [{ probe: "mail", permission: "mail.Read", errorCode: "Denied", finding: "mail_denied" }],
      findings: ["mail_denied", "users_denied"],
    });
  });

  it("announces a recovery: the previous run failed, every probe passes now", () => {
    const events = probeRunEvents(run({ token: "pass", mail: "pass" }), tenant, previous({ token: true, mail: false }));
    expect(events.map((e) => [e.type, e.data.recoveredProbes])).toEqual([["tenant.recovered", ["mail"]]]);
  });

  it.each([
    ["a first run", run({ mail: "fail" }), null],
    ["a run failing as before", run({ mail: "fail" }), previous({ mail: false })],
    ["a healthy tenant still healthy", run({ mail: "pass" }), previous({ mail: true })],
    ["a run that ended in error", run({ mail: "fail" }, { status: "error" }), previous({ mail: true })],
    ["a skipped probe", run({ mail: "skip", token: "pass" }), previous({ mail: true, token: true })],
  ])("announces nothing for %s", (_what, r, before) => {
    expect(probeRunEvents(r, tenant, before)).toEqual([]);
  });

  it("announces revoked consent once, when the run turns the status to revoked", () => {
    const r = run({ token: "fail" }, { tenantChanges: { status: "revoked" } });
    expect(probeRunEvents(r, tenant, null).map((e) => e.type)).toEqual(["tenant.consent_revoked"]);
    expect(probeRunEvents(r, { ...tenant, status: "revoked" }, null)).toEqual([]);
  });
});

describe("expiringCredentialEvents", () => {
  const cert = { source: "configured" as const, kind: "certificate" as const, keyId: "ABCDEF", displayName: null };
  it("announces a credential expiring within 30 days, one stable id per warning step", () => {
    const in10 = expiringCredentialEvents([{ ...cert, expiresAt: "2026-12-10T12:00:00.000Z" }], now);
    expect(in10).toHaveLength(1);
    expect(in10[0]!.data).toMatchObject({ kind: "certificate", daysLeft: 10, expiresAt: "2026-12-10T12:00:00.000Z" });
    const nextDay = expiringCredentialEvents([{ ...cert, expiresAt: "2026-12-10T12:00:00.000Z" }], new Date(now.getTime() + 86_400_000));
    expect(nextDay[0]!.id).toBe(in10[0]!.id); // 9 days left: still the 14-day step
    const later = expiringCredentialEvents([{ ...cert, expiresAt: "2026-12-10T12:00:00.000Z" }], new Date(now.getTime() + 4 * 86_400_000));
    expect(later[0]!.id).not.toBe(in10[0]!.id); // 6 days left: the 7-day step
  });
  it("stays quiet beyond 30 days", () => {
    expect(expiringCredentialEvents([{ ...cert, expiresAt: "2027-02-01T00:00:00.000Z" }], now)).toEqual([]);
  });
});
