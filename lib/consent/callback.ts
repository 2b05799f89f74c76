import "server-only";

import { z } from "zod";

import { errorDetails, parseBoundedQuery, redirectFieldsSchema, signInStartProblem } from "@/lib/consent/callback-query";
import { hashState, readConsentCookie, sealSignInStep, sealUsedMarker, statesEqual, STATE_LIFETIME_SECONDS, type SealedCookie } from "@/lib/consent/consent-cookie";
import { problem, type Problem } from "@/lib/consent/problems";
import type { Db } from "@/lib/db/database";
import { appendAudit } from "@/lib/db/repositories/audit";
import { recordConsentEvent } from "@/lib/db/repositories/consent-events";
import { getInvite, markInviteFailed } from "@/lib/db/repositories/invites";
import type { OidcFlow, SignInPrompt } from "@/lib/identity/sign-in";
import { isTenantGuid } from "@/lib/identity/tenant-id";
import type { Meta } from "@/lib/http/request-meta";

/**
 * What Microsoft may send back. Values are bounded; the tenant is only accepted as a
 * GUID, so it can never steer a later URL to another host or path.
 * @see https://learn.microsoft.com/entra/identity-platform/v2-admin-consent#successful-response
 */
const callbackSchema = redirectFieldsSchema.extend({
  tenant: z.string().max(100).optional(),
  admin_consent: z.string().max(10).optional(),
  scope: z.string().max(2048).optional(),
});

export type CallbackOutcome =
  | { kind: "sign-in"; url: string; cookie: SealedCookie }
  | { kind: "problem"; problem: Problem; cookie: SealedCookie | null; retryPath: string | null };

export interface CallbackDeps {
  /** Resolves a domain hint to its tenant GUID through the tenant's OpenID metadata. */
  resolveTenantId(hint: string): Promise<string | null>;
  /** Builds the sign-in at the tenant's own authority that must prove a user of it. */
  buildSignIn(tenantId: string, prompt: SignInPrompt): Promise<{ url: string; flow: OidcFlow }>;
  /** Whether the cloud knows the tenant (asked only when a sign-in cannot be started). */
  tenantExists(tenantId: string): Promise<boolean>;
  now?(): number;
}

/**
 * GET /consent/callback, as a function of its query and the browser's consent cookie.
 * State checks follow Auth.js: missing, unexpected, expired and reused are told apart,
 * and a state is used once. The returned tenant is a claim — a token for it proves only
 * that someone consented there at some time — so a success leads to a sign-in at that
 * tenant's own authority in this browser (lib/consent/sign-in-callback.ts), and nothing
 * but an unverified consent event is recorded here.
 */
export async function handleConsentCallback(db: Db, input: { search: string; cookieValue: string | undefined; meta: Meta }, deps: CallbackDeps): Promise<CallbackOutcome> {
  const now = deps.now?.() ?? Date.now();
  let retryPath: string | null = null;
  const fail = (p: Problem, cookie: SealedCookie | null = null): CallbackOutcome => ({ kind: "problem", problem: p, cookie, retryPath });

  // 1. The query itself: bounded, no repeated keys, known shapes.
  const params = parseBoundedQuery(input.search);
  if (!params) return fail(problem("malformed_callback"));
  const parsed = callbackSchema.safeParse(params);
  if (!parsed.success) return fail(problem("malformed_callback"));
  const q = parsed.data;

  // 2. The state, against the sealed cookie of this browser.
  if (!q.state) return fail(problem("state_missing"));
  const cookie = await readConsentCookie(input.cookieValue);
  if (cookie.kind === "none") return fail(problem("no_consent_in_progress"));
  if (cookie.kind !== "flow") {
    retryPath = cookie.kind === "used" ? cookie.consentPath : cookie.step.consentPath;
    const spent = cookie.kind === "used" ? cookie.usedStateHash : cookie.step.consentStateHash;
    return fail(problem(spent === hashState(q.state) ? "state_reused" : "no_consent_in_progress"));
  }
  const flow = cookie.flow;
  retryPath = flow.consentPath;
  if (!statesEqual(flow.state, q.state)) return fail(problem("state_unexpected"));
  const used = await sealUsedMarker(hashState(q.state), flow.consentPath);
  if (now - flow.issuedAt > STATE_LIFETIME_SECONDS * 1000) return fail(problem("state_expired"), used);

  // From here the state is genuine and is spent, whatever happens next.
  const invite = flow.inviteId ? await getInvite(db, flow.inviteId) : null;
  const inviteId = invite?.id ?? null;
  if (invite && (invite.state === "expired" || invite.state === "revoked")) retryPath = null;
  const base = { inviteId, ip: input.meta.ip, userAgent: input.meta.userAgent };

  // 3. Microsoft said no.
  if (q.error) {
    const info = errorDetails(q.error_description, q.error, q.error_subcode);
    const kind = q.error_subcode === "cancel" ? "cancelled" : info.aadsts === 65004 ? "declined" : info.aadsts === 90094 || info.aadsts === 90095 ? "admin_required" : "consent_error";
    await db.transaction().execute(async (trx) => {
      await recordConsentEvent(trx, {
        ...base,
        kind: "failed",
        verified: false,
        errorCode: info.aadsts ? `AADSTS${info.aadsts}` : q.error,
        errorDescription: q.error_description ?? null,
        traceId: info.trace,
        correlationId: info.correlation,
        details: { reason: kind, subcode: q.error_subcode ?? null },
      });
      if (inviteId) await markInviteFailed(trx, inviteId, `${kind}: ${info.aadsts ? `AADSTS${info.aadsts}` : q.error}`);
      // Who answered is unknown until a sign-in: the audit entry says so.
      await appendAudit(trx, { actor: "admin:unknown", action: "consent.failed", target: inviteId, details: { reason: kind, error: q.error, aadsts: info.aadsts }, ...input.meta });
    });
    // Cancel, decline and non-admin pages show the code too, for support; only other errors need the full trace.
    return fail(problem(kind, kind === "consent_error" ? info.details : info.details.filter((d) => d.label === "Error code" || d.label === "Error")), used);
  }

  // 4. A success claim: the tenant must be a GUID, and the invited tenant if the invite named one.
  if (!q.tenant || !isTenantGuid(q.tenant) || q.admin_consent?.toLowerCase() !== "true") {
    await recordConsentEvent(db, { ...base, kind: "callback", verified: false, errorCode: "invalid_tenant", details: { tenantClaimValid: false } });
    return fail(problem("invalid_tenant"), used);
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
      return fail(problem("tenant_mismatch", [{ label: "Invited organization", value: invite.tenantHint }, { label: "Organization that answered", value: claimed }]), used);
    }
  }

  // 5. Prove the claim: a user of that tenant signs in, in this browser, silently if Microsoft still has the admin's session.
  let request: { url: string; flow: OidcFlow };
  try {
    request = await deps.buildSignIn(claimed, "none");
  } catch (error) {
    const { problem: p, code } = signInStartProblem(error, await deps.tenantExists(claimed).catch(() => null));
    await recordConsentEvent(db, { ...base, tenantId: claimed, kind: "failed", verified: false, errorCode: code, details: { step: "sign-in" } });
    return fail(p, used);
  }
  const { url, flow: signIn } = request;
  await recordConsentEvent(db, { ...base, tenantId: claimed, kind: "callback", verified: false, details: { scope: q.scope ?? null, awaiting: "sign-in" } });
  const step = { consentStateHash: hashState(q.state), inviteId, consentPath: flow.consentPath, tenantClaim: claimed, scope: q.scope ?? null, prompt: "none" as const, signIn };
  return { kind: "sign-in", url, cookie: await sealSignInStep(step) };
}
