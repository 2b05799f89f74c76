import "server-only";

import { randomBytes } from "node:crypto";

import { getConfig } from "@/lib/config";
import { buildAdminConsentUrl } from "@/lib/consent/admin-consent-url";
import { sealConsentFlow, type SealedCookie } from "@/lib/consent/consent-cookie";
import { problem, unusableInviteProblem, type Problem } from "@/lib/consent/problems";
import type { Db } from "@/lib/db/database";
import { appendAudit } from "@/lib/db/repositories/audit";
import { recordConsentEvent } from "@/lib/db/repositories/consent-events";
import { markInviteOpened } from "@/lib/db/repositories/invites";
import { findInviteByCode } from "@/lib/invites/invites";
import type { Meta } from "@/lib/http/request-meta";
import { currentPermissionSet } from "@/lib/permissions/permission-set";

export type StartOutcome = { kind: "redirect"; url: string; cookie: SealedCookie } | { kind: "problem"; problem: Problem };

export function consentRedirectUri(): string {
  return `${getConfig().publicBaseUrl}/consent/callback`;
}

/**
 * POST /consent/<code>/start: starts an admin consent for an invite (or, with open
 * onboarding, for any tenant): a fresh 192-bit state sealed with the invite into a
 * short-lived cookie, and the identity platform's admin-consent URL to redirect to.
 * The first start also marks the invite opened (the consent page itself, a GET, writes nothing).
 */
export async function startConsent(db: Db, code: string | null, meta: Meta): Promise<StartOutcome> {
  const config = getConfig();
  let inviteId: string | null = null;
  let tenantHint: string | null = null;
  if (code === null) {
    if (!config.openOnboarding) return { kind: "problem", problem: problem("onboarding_closed") };
  } else {
    const found = await findInviteByCode(db, code);
    if (found.kind !== "ok") return { kind: "problem", problem: unusableInviteProblem(found.kind) };
    inviteId = found.invite.id;
    tenantHint = found.invite.tenantHint;
  }
  const state = randomBytes(24).toString("base64url");
  // v2 names each resource's /.default; SharePoint's needs the tenant's own host, so v2 consents to Graph and Exchange only (v1, the default, covers all).
  const resources = [...new Set((await currentPermissionSet(db)).permissions.map((p) => p.resource))].filter((r): r is "graph" | "exchange" => r !== "sharepoint");
  const url = buildAdminConsentUrl({
    cloud: config.cloud,
    clientId: config.clientId,
    redirectUri: consentRedirectUri(),
    state,
    tenant: tenantHint,
    version: config.adminConsentVersion,
    resources,
  });
  await db.transaction().execute(async (trx) => {
    if (inviteId) await markInviteOpened(trx, inviteId);
    await recordConsentEvent(trx, { inviteId, kind: "started", details: { tenantHint, version: config.adminConsentVersion }, ...meta });
    await appendAudit(trx, { actor: "admin:unknown", action: "consent.started", target: inviteId, details: { tenantHint }, ...meta });
  });
  const consentPath = code === null ? "/consent" : `/consent/${code}`;
  return { kind: "redirect", url, cookie: await sealConsentFlow({ state, inviteId, issuedAt: Date.now(), consentPath }) };
}
