import { randomUUID } from "node:crypto";
import { z } from "zod";

/**
 * The events Consentry announces, and their payloads in the Standard Webhooks shape
 * `{type, timestamp, data}`. Pure: the repositories that record a change build the event
 * here and enqueue it in the same transaction.
 *
 * @see https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md#payload-structure
 */
export const WEBHOOK_EVENT_TYPES = [
  "tenant.onboarded",
  "tenant.regressed",
  "tenant.recovered",
  "tenant.consent_revoked",
  "tenant.needs_reconsent",
  "bulk_run.finished",
  "credential.expiring",
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/** Sent only by "Send test ping"; no endpoint subscribes to it. */
export const PING_EVENT_TYPE = "webhook.ping";

export const EVENT_DESCRIPTIONS: Record<WebhookEventType, string> = {
  "tenant.onboarded": "a tenant's consent was verified for the first time (or again after it was lost)",
  "tenant.regressed": "a probe that passed in the tenant's previous run now fails",
  "tenant.recovered": "the tenant's previous run had failures and every probe now passes",
  "tenant.consent_revoked": "the app's consent was removed in the tenant (status revoked)",
  "tenant.needs_reconsent": "the app's permissions changed and the tenant consented to an older set",
  "bulk_run.finished": "a re-test of every tenant finished",
  "credential.expiring": "the app's certificate or client secret expires within 30 days",
};

export interface WebhookEvent {
  /** The Standard Webhooks message id (`webhook-id`), `msg_…`; receivers deduplicate on it. */
  id: string;
  type: WebhookEventType | typeof PING_EVENT_TYPE;
  timestamp: string;
  data: Record<string, unknown>;
}

export const webhookPayloadSchema = z.object({ type: z.string(), timestamp: z.string(), data: z.record(z.string(), z.unknown()) });
export type WebhookPayload = z.infer<typeof webhookPayloadSchema>;

export function newEventId(): string {
  return `msg_${randomUUID().replaceAll("-", "")}`;
}

function event(type: WebhookEvent["type"], data: Record<string, unknown>, now: Date, id: string = newEventId()): WebhookEvent {
  return { id, type, timestamp: now.toISOString(), data };
}

/** The body that is signed and sent for the "standard" format. */
export function payloadOf(e: Pick<WebhookEvent, "type" | "timestamp" | "data">): WebhookPayload {
  return { type: e.type, timestamp: e.timestamp, data: e.data };
}

export interface TenantRef {
  tenantId: string;
  displayName: string | null;
}

export function tenantOnboardedEvent(tenant: TenantRef & { roles: string[]; permissionSetVersion: number | null; consentedBy: string | null }, now: Date = new Date()): WebhookEvent {
  return event("tenant.onboarded", { tenantId: tenant.tenantId, displayName: tenant.displayName, roles: tenant.roles, permissionSetVersion: tenant.permissionSetVersion, consentedBy: tenant.consentedBy }, now);
}

export interface ProbeChange {
  probe: string;
  permission: string | null;
  errorCode: string | null;
  finding: string | null;
}

export function tenantRegressedEvent(tenant: TenantRef & { probeRunId: string; previousProbeRunId: string; regressed: ProbeChange[]; findings: string[] }, now: Date = new Date()): WebhookEvent {
  return event("tenant.regressed", { tenantId: tenant.tenantId, displayName: tenant.displayName, probeRunId: tenant.probeRunId, previousProbeRunId: tenant.previousProbeRunId, regressedProbes: tenant.regressed, findings: tenant.findings }, now);
}

export function tenantRecoveredEvent(tenant: TenantRef & { probeRunId: string; previousProbeRunId: string; recoveredProbes: string[] }, now: Date = new Date()): WebhookEvent {
  return event("tenant.recovered", { tenantId: tenant.tenantId, displayName: tenant.displayName, probeRunId: tenant.probeRunId, previousProbeRunId: tenant.previousProbeRunId, recoveredProbes: tenant.recoveredProbes, findings: [] }, now);
}

export function tenantConsentRevokedEvent(tenant: TenantRef & { probeRunId: string; findings: string[] }, now: Date = new Date()): WebhookEvent {
  return event("tenant.consent_revoked", { tenantId: tenant.tenantId, displayName: tenant.displayName, probeRunId: tenant.probeRunId, findings: tenant.findings }, now);
}

export function tenantNeedsReconsentEvent(tenant: TenantRef & { consentedPermissionSetVersion: number | null; currentPermissionSetVersion: number }, now: Date = new Date()): WebhookEvent {
  return event("tenant.needs_reconsent", { tenantId: tenant.tenantId, displayName: tenant.displayName, consentedPermissionSetVersion: tenant.consentedPermissionSetVersion, currentPermissionSetVersion: tenant.currentPermissionSetVersion }, now);
}

export function bulkRunFinishedEvent(run: { bulkRunId: string; total: number; done: number; failed: number; failingTenants: number; requestedBy: string; startedAt: string }, now: Date = new Date()): WebhookEvent {
  return event("bulk_run.finished", { ...run, finishedAt: now.toISOString() }, now);
}

/** Days before expiry at which `credential.expiring` is announced again (each once). */
export const CREDENTIAL_WARNING_DAYS = [30, 14, 7, 3, 1, 0] as const;

/**
 * `credential.expiring` carries a stable id per credential and warning step (30, 14, 7, 3, 1, 0
 * days), so the daily check and restarts announce each step once (deliveries are unique per
 * endpoint and event id), and a step missed while the portal was down is announced late, not lost.
 */
export function credentialExpiringEvent(credential: { source: "configured" | "registration"; kind: "certificate" | "secret"; keyId: string | null; displayName: string | null; expiresAt: string; daysLeft: number }, now: Date = new Date()): WebhookEvent {
  const step = [...CREDENTIAL_WARNING_DAYS].reverse().find((days) => credential.daysLeft <= days) ?? 30;
  const key = `${credential.source}${credential.keyId ?? "app"}${credential.expiresAt}`.replace(/[^A-Za-z0-9]/g, "").slice(0, 120);
  return event("credential.expiring", credential, now, `msg_cred_${key}_d${step}`);
}

export function pingEvent(endpointId: string, now: Date = new Date()): WebhookEvent {
  return event(PING_EVENT_TYPE, { endpointId, message: "A test ping from Consentry." }, now);
}

/** One line a person reads in Teams or Slack. */
export function describeEvent(payload: WebhookPayload): string {
  const d = payload.data;
  const name = typeof d.displayName === "string" && d.displayName ? `${d.displayName} (${String(d.tenantId)})` : String(d.tenantId ?? "");
  const list = (value: unknown) => (Array.isArray(value) ? value.map((v) => (typeof v === "object" && v && "probe" in v ? String((v as { probe: unknown }).probe) : String(v))).join(", ") : "");
  switch (payload.type) {
    case "tenant.onboarded":
      return `Consentry: tenant ${name} is onboarded.`;
    case "tenant.regressed":
      return `Consentry: tenant ${name} regressed: ${list(d.regressedProbes)} passed before and now fail${Array.isArray(d.findings) && d.findings.length ? ` (findings: ${list(d.findings)})` : ""}.`;
    case "tenant.recovered":
      return `Consentry: tenant ${name} recovered: every probe passes again.`;
    case "tenant.consent_revoked":
      return `Consentry: the app's consent was revoked in tenant ${name}.`;
    case "tenant.needs_reconsent":
      return `Consentry: tenant ${name} needs re-consent (consented to version ${String(d.consentedPermissionSetVersion)}, current ${String(d.currentPermissionSetVersion)}).`;
    case "bulk_run.finished":
      return `Consentry: the re-test of ${String(d.total)} tenants finished: ${String(d.failingTenants)} failing.`;
    case "credential.expiring":
      return `Consentry: the app's ${String(d.kind)}${d.displayName ? ` "${String(d.displayName)}"` : ""} expires on ${String(d.expiresAt).slice(0, 10)} (${String(d.daysLeft)} days).`;
    default:
      return `Consentry: ${payload.type}.`;
  }
}
