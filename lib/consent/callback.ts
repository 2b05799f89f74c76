import "server-only";

import { z } from "zod";

import { getConfig } from "@/lib/config";
import { hashState, readConsentCookie, sealUsedMarker, statesEqual, STATE_LIFETIME_SECONDS } from "@/lib/consent/consent-cookie";
import { problem, type Problem } from "@/lib/consent/problems";
import type { Db } from "@/lib/db/database";
import { appendAudit } from "@/lib/db/repositories/audit";
import { insertConsentAttempt } from "@/lib/db/repositories/consent-attempts";
import { recordConsentEvent } from "@/lib/db/repositories/consent-events";
import { getInvite, markInviteFailed } from "@/lib/db/repositories/invites";
import { isTenantGuid } from "@/lib/identity/tenant-id";
import type { Meta } from "@/lib/invites/invites";

const MAX_QUERY_LENGTH = 8192;
const MAX_PARAMS = 16;

/**
 * What Microsoft may send back. Values are bounded; the tenant is only accepted as a
 * GUID, so it can never steer a later URL to another host or path.
 * @see https://learn.microsoft.com/entra/identity-platform/v2-admin-consent#successful-response
 */
const callbackSchema = z.object({
  state: z.string().max(512).regex(/^[A-Za-z0-9_\-.~]+$/).optional(),
  tenant: z.string().max(100).optional(),
  admin_consent: z.string().max(10).optional(),
  scope: z.string().max(2048).optional(),
  error: z.string().max(100).regex(/^[A-Za-z0-9_.-]+$/).optional(),
  error_description: z.string().max(4096).optional(),
  error_subcode: z.string().max(100).regex(/^[A-Za-z0-9_.-]+$/).optional(),
  error_uri: z.string().max(2048).optional(),
});

type UsedCookie = Awaited<ReturnType<typeof sealUsedMarker>>;

export type CallbackOutcome =
  | { kind: "verifying"; attemptId: string; cookie: UsedCookie }
  | { kind: "problem"; problem: Problem; cookie: UsedCookie | null; inviteId: string | null };

export interface CallbackDeps {
  /** Resolves a domain hint to its tenant GUID through the tenant's OpenID metadata. */
  resolveTenantId(hint: string): Promise<string | null>;
  /** Starts proving the consent with a token (in the background). */
  startVerification(attemptId: string): void;
  now?(): number;
}

/** Splits what the identity platform echoed into what a person can quote to support. */
function errorDetails(description: string | undefined, error: string | undefined, subcode: string | undefined) {
  const text = description ?? "";
  const aadsts = /AADSTS(\d{4,8})/.exec(text)?.[1];
  const details: { label: string; value: string }[] = [];
  if (aadsts) details.push({ label: "Error code", value: `AADSTS${aadsts}` });
  else if (error) details.push({ label: "Error", value: error });
  const firstLine = text.split(/\r?\n/)[0]?.replace(/^AADSTS\d+:\s*/, "").trim();
  if (firstLine) details.push({ label: "Message", value: firstLine.slice(0, 500) });
  const trace = /Trace ID:\s*([0-9a-f-]{36})/i.exec(text)?.[1];
  const correlation = /Correlation ID:\s*([0-9a-f-]{36})/i.exec(text)?.[1];
  if (trace) details.push({ label: "Trace ID", value: trace });
  if (correlation) details.push({ label: "Correlation ID", value: correlation });
  if (subcode) details.push({ label: "Subcode", value: subcode });
  return { aadsts: aadsts ? Number(aadsts) : null, trace: trace ?? null, correlation: correlation ?? null, details };
}

/**
 * GET /consent/callback, as a function of its query and the browser's consent cookie.
 * The returned tenant is a claim: nothing but an unverified consent event is recorded
 * until a token proves it. State checks follow Auth.js: missing, unexpected, expired and
 * reused are told apart, and a state is used once.
 */
export async function handleConsentCallback(db: Db, input: { search: string; cookieValue: string | undefined; meta: Meta }, deps: CallbackDeps): Promise<CallbackOutcome> {
  const now = deps.now?.() ?? Date.now();
  const fail = (p: Problem, cookie: UsedCookie | null = null, inviteId: string | null = null): CallbackOutcome => ({ kind: "problem", problem: p, cookie, inviteId });

  // 1. The query itself: bounded, no repeated keys, known shapes.
  const search = input.search.startsWith("?") ? input.search.slice(1) : input.search;
  if (search.length > MAX_QUERY_LENGTH) return fail(problem("malformed_callback"));
  let params: URLSearchParams;
  try {
    params = new URLSearchParams(search);
  } catch {
    return fail(problem("malformed_callback"));
  }
  const keys = [...params.keys()];
  if (keys.length > MAX_PARAMS || new Set(keys).size !== keys.length) return fail(problem("malformed_callback"));
  const parsed = callbackSchema.safeParse(Object.fromEntries(params));
  if (!parsed.success) return fail(problem("malformed_callback"));
  const q = parsed.data;

  // 2. The state, against the sealed cookie of this browser.
  if (!q.state) return fail(problem("state_missing"));
  const cookie = await readConsentCookie(input.cookieValue);
  if (cookie.kind === "used") return fail(problem(cookie.usedStateHash === hashState(q.state) ? "state_reused" : "no_consent_in_progress"));
  if (cookie.kind === "none") return fail(problem("no_consent_in_progress"));
  const flow = cookie.flow;
  if (!statesEqual(flow.state, q.state)) return fail(problem("state_unexpected"));
  if (now - flow.issuedAt > STATE_LIFETIME_SECONDS * 1000) return fail(problem("state_expired"), await sealUsedMarker(q.state), flow.inviteId);

  // From here the state is genuine and is spent, whatever happens next.
  const used = await sealUsedMarker(q.state);
  const invite = flow.inviteId ? await getInvite(db, flow.inviteId) : null;
  const inviteId = invite?.id ?? null;
  const base = { inviteId, ip: input.meta.ip, userAgent: input.meta.userAgent };

  // 3. Microsoft said no.
  if (q.error) {
    const info = errorDetails(q.error_description, q.error, q.error_subcode);
    const kind = q.error_subcode === "cancel" ? "cancelled" : info.aadsts === 65004 ? "declined" : info.aadsts === 90094 || info.aadsts === 90095 ? "admin_required" : "consent_error";
    await recordConsentEvent(db, {
      ...base,
      kind: "failed",
      verified: false,
      errorCode: info.aadsts ? `AADSTS${info.aadsts}` : q.error,
      errorDescription: q.error_description ?? null,
      traceId: info.trace,
      correlationId: info.correlation,
      details: { reason: kind, subcode: q.error_subcode ?? null },
    });
    if (inviteId) await markInviteFailed(db, inviteId, `${kind}: ${info.aadsts ? `AADSTS${info.aadsts}` : q.error}`);
    await appendAudit(db, { actor: "admin:unknown", action: "consent.failed", target: inviteId, details: { reason: kind, error: q.error, aadsts: info.aadsts }, ip: input.meta.ip, userAgent: input.meta.userAgent });
    return fail(problem(kind, kind === "consent_error" ? info.details : undefined), used, inviteId);
  }

  // 4. A success claim: the tenant must be a GUID, and the invited tenant if the invite named one.
  if (!q.tenant || !isTenantGuid(q.tenant) || q.admin_consent?.toLowerCase() !== "true") {
    await recordConsentEvent(db, { ...base, kind: "callback", verified: false, errorCode: "invalid_tenant", details: { tenantClaimValid: false } });
    return fail(problem("invalid_tenant"), used, inviteId);
  }
  const claimed = q.tenant.toLowerCase();
  if (invite?.tenantHint) {
    let expected: string | null;
    try {
      expected = await deps.resolveTenantId(invite.tenantHint);
    } catch {
      expected = null;
    }
    if (expected !== claimed) {
      await recordConsentEvent(db, { ...base, tenantId: claimed, kind: "failed", verified: false, errorCode: "tenant_mismatch", details: { expected: invite.tenantHint, expectedTenantId: expected, actual: claimed } });
      await markInviteFailed(db, invite.id, `tenant_mismatch: consent came from ${claimed}, invite names ${invite.tenantHint}`);
      await appendAudit(db, { actor: `admin:${claimed}`, action: "consent.failed", target: inviteId, details: { reason: "tenant_mismatch", expected: invite.tenantHint, actual: claimed }, ip: input.meta.ip, userAgent: input.meta.userAgent });
      return fail(problem("tenant_mismatch", [{ label: "Invited organization", value: invite.tenantHint }, { label: "Organization that answered", value: claimed }]), used, inviteId);
    }
  }

  // 5. Record the claim and prove it in the background.
  const deadline = new Date(now + getConfig().consentVerifyTimeoutSeconds * 1000);
  const attempt = await insertConsentAttempt(db, { inviteId, stateHash: hashState(q.state), tenantClaim: claimed, deadline, ip: input.meta.ip, userAgent: input.meta.userAgent }, new Date(now));
  if (!attempt) return fail(problem("state_reused"), used, inviteId);
  await recordConsentEvent(db, { ...base, tenantId: claimed, kind: "callback", verified: false, details: { attemptId: attempt.id, scope: q.scope ?? null } });
  await appendAudit(db, { actor: `admin:${claimed}`, action: "consent.callback", target: inviteId, details: { attemptId: attempt.id, tenantClaim: claimed }, ip: input.meta.ip, userAgent: input.meta.userAgent });
  deps.startVerification(attempt.id);
  return { kind: "verifying", attemptId: attempt.id, cookie: used };
}
