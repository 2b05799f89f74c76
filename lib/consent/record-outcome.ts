import "server-only";

import type { Db } from "@/lib/db/database";
import { appendAudit } from "@/lib/db/repositories/audit";
import { countVerifyingAttempts, finishConsentAttempt, insertConsentAttempt, type ConsentAttempt, type SignedInCustomer } from "@/lib/db/repositories/consent-attempts";
import { recordConsentEvent } from "@/lib/db/repositories/consent-events";
import { markInviteConsented, markInviteFailed } from "@/lib/db/repositories/invites";
import { getTenant, upsertTenant } from "@/lib/db/repositories/tenants";
import type { OrganizationProfile } from "@/lib/graph/organization";
import { NO_REQUEST_META, type Meta } from "@/lib/http/request-meta";
import { enqueueWebhookEvents } from "@/lib/db/repositories/webhooks";
import { tenantOnboardedEvent } from "@/lib/webhooks/events";

/** How the audit log names a customer's user who confirmed a consent by signing in. */
export function customerActor(user: Pick<SignedInCustomer, "upn" | "oid">): string {
  return `admin:${user.upn || user.oid}`;
}

export type BoundConsent = { kind: "bound"; attempt: ConsentAttempt } | { kind: "already-bound" } | { kind: "invite-busy" };

/**
 * A consent callback whose tenant was proven by a sign-in in the same browser: the
 * attempt (keyed by the spent state, so one consent binds once), its event and its audit
 * entry, in one transaction — which also counts the invite's attempts still verifying,
 * so two tabs cannot both slip under `maxVerifyingPerInvite`.
 */
export async function recordBoundConsent(
  db: Db,
  input: { consentStateHash: string; inviteId: string | null; tenantId: string; signedIn: SignedInCustomer; deadline: Date; scope: string | null; meta: Meta; maxVerifyingPerInvite: number },
  now: Date = new Date(),
): Promise<BoundConsent> {
  return db.transaction().execute(async (trx): Promise<BoundConsent> => {
    if (input.inviteId && (await countVerifyingAttempts(trx, input.inviteId)) >= input.maxVerifyingPerInvite) return { kind: "invite-busy" };
    const attempt = await insertConsentAttempt(
      trx,
      { inviteId: input.inviteId, stateHash: input.consentStateHash, tenantClaim: input.tenantId, deadline: input.deadline, signedIn: input.signedIn, ...input.meta },
      now,
    );
    if (!attempt) return { kind: "already-bound" };
    const who = { name: input.signedIn.name, upn: input.signedIn.upn, oid: input.signedIn.oid };
    // The tenant claim is now proven by the sign-in (the consent itself is proven by a token next).
    await recordConsentEvent(trx, { inviteId: input.inviteId, tenantId: input.tenantId, kind: "callback", verified: true, details: { attemptId: attempt.id, signedIn: who, scope: input.scope }, ...input.meta }, now);
    await appendAudit(trx, { actor: customerActor(input.signedIn), action: "consent.signed_in", target: input.tenantId, details: { attemptId: attempt.id, inviteId: input.inviteId, signedIn: who }, ...input.meta }, now);
    return { kind: "bound", attempt };
  });
}

export type ConsentResult =
  | {
      kind: "verified";
      /** Roles in the verifying token; none means the consent exists but grants nothing. */
      roles: string[];
      organization: OrganizationProfile | null;
      permissionSetVersion: number | null;
      /** Who confirmed it by signing in; null for an import, which keeps the earlier record. */
      consentedBy: SignedInCustomer | null;
      /** Display name to use when Graph could not say (the invite's customer name). */
      fallbackName: string | null;
      /**
       * No token: the identity platform refused it for a reason of the tenant's (the app disabled
       * there, Conditional Access). Only an import records this, unverified: the tenant is listed
       * so its probes can say why, and nothing counts it as consented or verified.
       */
      refused?: { code: string; message: string };
    }
  | { kind: "failed"; code: string; message: string };

export interface ConsentOutcome {
  tenantId: string;
  /** The attempt this closes; null when a partner imports a tenant that consented before. */
  attempt: { id: string; inviteId: string | null } | null;
  result: ConsentResult;
  actor: string;
  /** Audit action: consent.verified / consent.failed, tenant.imported. */
  action: string;
  meta?: Meta;
}

/**
 * Records how a consent ended — the attempt, the tenant, the invite, the consent event
 * and the audit entry — in one transaction, so no reader ever sees half of it. A
 * closed attempt is not closed again (first result wins): returns false then.
 */
export async function recordConsentOutcome(db: Db, outcome: ConsentOutcome, now: Date = new Date()): Promise<boolean> {
  const { tenantId, attempt, result } = outcome;
  const at = now.toISOString();
  const meta = outcome.meta ?? NO_REQUEST_META;
  return db.transaction().execute(async (trx) => {
    const granted = result.kind === "verified" && result.roles.length > 0;
    const proven = result.kind === "verified" && !result.refused;
    if (attempt) {
      const closed = await finishConsentAttempt(
        trx,
        attempt.id,
        result.kind === "failed"
          ? { status: "failed", errorCode: result.code, error: result.message }
          : granted
            ? { status: "verified", roles: result.roles }
            : { status: "failed", roles: result.roles, errorCode: "no_roles", error: "The consent exists but the app's token carries no permissions." },
        now,
      );
      if (!closed) return false;
    }
    if (result.kind === "verified") {
      const org = result.organization;
      const existing = attempt ? null : await getTenant(trx, tenantId);
      const wasConsented = (existing ?? (granted ? await getTenant(trx, tenantId) : null))?.status === "consented";
      await upsertTenant(
        trx,
        tenantId,
        {
          status: granted ? "consented" : "failed",
          roles: result.roles,
          ...(proven ? { verifiedAt: at } : {}),
          ...(result.permissionSetVersion !== null ? { consentedPermissionSetVersion: result.permissionSetVersion } : {}),
          ...(proven && (attempt || !existing?.consentedAt) ? { consentedAt: at } : {}),
          ...(result.consentedBy ? { consentedBy: { name: result.consentedBy.name, upn: result.consentedBy.upn, oid: result.consentedBy.oid } } : {}),
          ...(org
            ? { displayName: org.displayName, initialDomain: org.initialDomain, defaultDomain: org.defaultDomain }
            : result.fallbackName
              ? { displayName: result.fallbackName }
              : {}),
        },
        now,
      );
      if (granted && !wasConsented) {
        const name = org?.displayName ?? result.fallbackName ?? null;
        await enqueueWebhookEvents(trx, [tenantOnboardedEvent({ tenantId, displayName: name, roles: result.roles, permissionSetVersion: result.permissionSetVersion, consentedBy: result.consentedBy?.upn ?? result.consentedBy?.name ?? null }, now)], { now });
      }
    }
    if (attempt?.inviteId) {
      if (granted) await markInviteConsented(trx, attempt.inviteId, tenantId, now);
      else await markInviteFailed(trx, attempt.inviteId, result.kind === "failed" ? `${result.code}: ${result.message}` : "no_roles: consent exists but grants nothing", now);
    }
    const roles = result.kind === "verified" ? result.roles : [];
    const consentedBy = result.kind === "verified" && result.consentedBy ? { name: result.consentedBy.name, upn: result.consentedBy.upn, oid: result.consentedBy.oid } : null;
    await recordConsentEvent(
      trx,
      {
        inviteId: attempt?.inviteId ?? null,
        tenantId,
        kind: granted ? "verified" : "failed",
        // A token for the tenant was obtained: the consent itself is proven even when it grants nothing.
        verified: proven,
        errorCode: result.kind === "failed" ? result.code : granted ? null : (result.refused?.code ?? "no_roles"),
        errorDescription: result.kind === "failed" ? result.message : (result.refused?.message ?? null),
        details: { attemptId: attempt?.id ?? null, imported: attempt === null, roles, organization: result.kind === "verified" ? (result.organization?.displayName ?? null) : null, consentedBy },
        ...meta,
      },
      now,
    );
    await appendAudit(
      trx,
      {
        actor: outcome.actor,
        action: outcome.action,
        target: tenantId,
        details:
          result.kind === "failed"
            ? { attemptId: attempt?.id ?? null, inviteId: attempt?.inviteId ?? null, code: result.code, message: result.message }
            : { attemptId: attempt?.id ?? null, inviteId: attempt?.inviteId ?? null, roles, permissionSetVersion: result.permissionSetVersion, consentedBy, ...(result.refused ? { refused: result.refused.code, message: result.refused.message } : {}) },
        ...meta,
      },
      now,
    );
    return true;
  });
}
