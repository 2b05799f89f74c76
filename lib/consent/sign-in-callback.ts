import "server-only";

import { z } from "zod";

import { getConfig } from "@/lib/config";
import { sealBinding } from "@/lib/consent/bound-cookie";
import { errorDetails, parseBoundedQuery, redirectFieldsSchema, signInStartProblem } from "@/lib/consent/callback-query";
import { hashState, readConsentCookie, sealSignInStep, sealUsedMarker, statesEqual, STATE_LIFETIME_SECONDS, type SealedCookie, type SignInStep } from "@/lib/consent/consent-cookie";
import { problem, type Problem } from "@/lib/consent/problems";
import { recordBoundConsent } from "@/lib/consent/record-outcome";
import { MAX_VERIFICATIONS_PER_INVITE } from "@/lib/consent/verify";
import type { Db } from "@/lib/db/database";
import { recordConsentEvent } from "@/lib/db/repositories/consent-events";
import { IdentityError } from "@/lib/identity/identity-error";
import type { OidcFlow, SignedInUser, SignInPrompt } from "@/lib/identity/sign-in";
import type { Meta } from "@/lib/http/request-meta";

/**
 * What the authorize endpoint sends back: a code, or an error (`login_required`,
 * `interaction_required`… for `prompt=none`).
 * @see https://learn.microsoft.com/entra/identity-platform/v2-oauth2-auth-code-flow#successful-response
 * @see https://learn.microsoft.com/entra/identity-platform/v2-oauth2-auth-code-flow#error-response
 */
const signInCallbackSchema = redirectFieldsSchema.extend({
  code: z.string().min(1).max(4096).optional(),
  client_info: z.string().max(4096).optional(),
  session_state: z.string().max(200).optional(),
});

/**
 * The answers to `prompt=none` that mean "the user must interact": then the sign-in is
 * asked again with the account picker, once.
 * @see https://openid.net/specs/openid-connect-core-1_0.html#AuthError
 */
const INTERACTION_ERRORS = new Set(["login_required", "interaction_required", "consent_required", "account_selection_required"]);

export type SignInCallbackOutcome =
  | { kind: "bound"; attemptId: string; cookies: SealedCookie[] }
  | { kind: "sign-in"; url: string; cookie: SealedCookie }
  | { kind: "problem"; problem: Problem; cookie: SealedCookie | null; retryPath: string | null };

export interface SignInCallbackDeps {
  buildSignIn(tenantId: string, prompt: SignInPrompt): Promise<{ url: string; flow: OidcFlow }>;
  /** Whether the cloud knows the tenant (asked only when a sign-in cannot be started). */
  tenantExists(tenantId: string): Promise<boolean>;
  redeem(code: string, flow: OidcFlow, tenantId: string): Promise<SignedInUser>;
  /** Starts proving the bound consent with a token (in the background). */
  startVerification(attemptId: string): void;
  now?(): number;
}

/**
 * GET /consent/signin/callback: the sign-in that turns a consent claim into a consent.
 * The id_token's `tid` must equal the tenant Microsoft's consent redirect named; only
 * then is a consent attempt recorded (who signed in is who consented) and its
 * verification started, and this browser becomes the one allowed to see its result.
 */
export async function handleSignInCallback(
  db: Db,
  input: { search: string; cookieValue: string | undefined; boundCookieValue: string | undefined; meta: Meta },
  deps: SignInCallbackDeps,
): Promise<SignInCallbackOutcome> {
  const now = deps.now?.() ?? Date.now();
  let retryPath: string | null = null;
  const fail = (p: Problem, cookie: SealedCookie | null = null): SignInCallbackOutcome => ({ kind: "problem", problem: p, cookie, retryPath });

  const params = parseBoundedQuery(input.search);
  const parsed = params ? signInCallbackSchema.safeParse(params) : null;
  if (!parsed?.success) return fail(problem("malformed_callback"));
  const q = parsed.data;
  if (!q.state) return fail(problem("state_missing"));

  const cookie = await readConsentCookie(input.cookieValue);
  if (cookie.kind !== "signing-in") {
    retryPath = cookie.kind === "used" ? cookie.consentPath : cookie.kind === "flow" ? cookie.flow.consentPath : null;
    // Back or reload after the sign-in finished: this very answer was used.
    return fail(problem(cookie.kind === "used" && cookie.usedSignInStateHash === hashState(q.state) ? "state_reused" : "no_consent_in_progress"));
  }
  const step: SignInStep = cookie.step;
  retryPath = step.consentPath;
  if (!statesEqual(step.signIn.state, q.state)) return fail(problem("state_unexpected"));
  const spent = await sealUsedMarker(step.consentStateHash, step.consentPath, hashState(q.state));
  if (now - step.signIn.issuedAt > STATE_LIFETIME_SECONDS * 1000) return fail(problem("state_expired"), spent);
  const base = { inviteId: step.inviteId, tenantId: step.tenantClaim, ip: input.meta.ip, userAgent: input.meta.userAgent };

  // Microsoft has no session it can use silently: ask once more, with the account picker.
  if (q.error && step.prompt === "none" && INTERACTION_ERRORS.has(q.error)) {
    let request: { url: string; flow: OidcFlow };
    try {
      request = await deps.buildSignIn(step.tenantClaim, "select_account");
    } catch (error) {
      const { problem: p, code } = signInStartProblem(error, await deps.tenantExists(step.tenantClaim).catch(() => null));
      await recordConsentEvent(db, { ...base, kind: "failed", verified: false, errorCode: code, details: { step: "sign-in" } });
      return fail(p, spent);
    }
    // The picker keeps the first sign-in's clock: 15 minutes from the consent's answer in all.
    const signIn = { ...request.flow, issuedAt: step.signIn.issuedAt };
    return { kind: "sign-in", url: request.url, cookie: await sealSignInStep({ ...step, prompt: "select_account", signIn }) };
  }
  if (q.error || !q.code) {
    const info = errorDetails(q.error_description, q.error ?? "no_code", q.error_subcode);
    await recordConsentEvent(db, { ...base, kind: "failed", verified: false, errorCode: info.aadsts ? `AADSTS${info.aadsts}` : (q.error ?? "no_code"), errorDescription: q.error_description ?? null, traceId: info.trace, correlationId: info.correlation, details: { step: "sign-in" } });
    return fail(q.error_subcode === "cancel" ? problem("cancelled") : problem("consent_sign_in_failed", info.details), spent);
  }

  let user: SignedInUser;
  try {
    user = await deps.redeem(q.code, step.signIn, step.tenantClaim);
  } catch (error) {
    const failure = error instanceof IdentityError ? error.failure : null;
    const code = failure?.aadsts ? `AADSTS${failure.aadsts}` : error instanceof Error && "code" in error ? String(error.code) : "sign_in_error";
    await recordConsentEvent(db, { ...base, kind: "failed", verified: false, errorCode: code, errorDescription: error instanceof Error ? error.message : null, details: { step: "sign-in" } });
    return fail(problem("consent_sign_in_failed", [{ label: "Error", value: code }]), spent);
  }

  if (user.tenantId !== step.tenantClaim) {
    await recordConsentEvent(db, {
      ...base,
      kind: "failed",
      verified: false,
      errorCode: "sign_in_tenant_mismatch",
      details: { signedInTenantId: user.tenantId, signedIn: { name: user.name, upn: user.username, oid: user.oid } },
    });
    return fail(
      problem("sign_in_tenant_mismatch", [
        { label: "You signed in as", value: user.username },
        { label: "Your account's organization", value: user.tenantId },
        { label: "Organization that consented", value: step.tenantClaim },
      ]),
      spent,
    );
  }

  const deadline = new Date(now + getConfig().consentVerifyTimeoutSeconds * 1000);
  const bound = await recordBoundConsent(
    db,
    {
      consentStateHash: step.consentStateHash,
      inviteId: step.inviteId,
      tenantId: step.tenantClaim,
      signedIn: { oid: user.oid, name: user.name, upn: user.username },
      deadline,
      scope: step.scope,
      meta: input.meta,
      maxVerifyingPerInvite: MAX_VERIFICATIONS_PER_INVITE,
    },
    new Date(now),
  );
  if (bound.kind === "invite-busy") return fail(problem("verifications_busy"), spent);
  if (bound.kind === "already-bound") return fail(problem("state_reused"), spent);
  deps.startVerification(bound.attempt.id);
  return { kind: "bound", attemptId: bound.attempt.id, cookies: [spent, await sealBinding(input.boundCookieValue, bound.attempt.id, now)] };
}
