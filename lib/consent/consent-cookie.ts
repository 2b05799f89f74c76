import "server-only";

import { createHash, timingSafeEqual } from "node:crypto";
import { z } from "zod";

import type { OidcFlow, SignInPrompt } from "@/lib/identity/sign-in";
import { cookieOptions, seal, unseal } from "@/lib/session/sealed-cookie";
import { GUID_PATTERN } from "@/lib/identity/tenant-id";

export const CONSENT_COOKIE = "consentry_consent";
/** The state is valid this long after Start, and a sign-in this long after the callback. */
export const STATE_LIFETIME_SECONDS = 15 * 60;
/** The cookie outlives the state a little, so "expired" can be told apart from "missing". */
const COOKIE_SECONDS = 20 * 60;

/**
 * One browser's consent, from Start to the bound sign-in, sealed in one cookie (path
 * /consent): the admin-consent state first, then — once Microsoft answered with a
 * tenant — the OpenID Connect sign-in that must prove a user of that tenant, and
 * finally a marker of the spent state so a replay is explained as such.
 */
export interface ConsentFlow {
  state: string;
  inviteId: string | null;
  issuedAt: number;
  /** The page the consent started from (`/consent/<code>` or `/consent`), for "Try again". */
  consentPath: string;
}

export interface SignInStep {
  /** SHA-256 of the spent admin-consent state: it keys the attempt, so one consent binds once. */
  consentStateHash: string;
  inviteId: string | null;
  consentPath: string;
  /** The tenant Microsoft's redirect named: a claim until the sign-in's `tid` equals it. */
  tenantClaim: string;
  scope: string | null;
  prompt: SignInPrompt;
  signIn: OidcFlow;
}

interface UsedMarker {
  usedStateHash: string;
  /** The sign-in's state once a sign-in answer spent the flow, so replaying that answer is told apart too. */
  usedSignInStateHash: string | null;
  usedAt: number;
  consentPath: string | null;
}

export type ReadCookie =
  | { kind: "none" }
  | { kind: "flow"; flow: ConsentFlow }
  | { kind: "signing-in"; step: SignInStep }
  | { kind: "used"; usedStateHash: string; usedSignInStateHash: string | null; consentPath: string | null };

const consentPathSchema = z.string().max(200).regex(/^\/consent(\/[A-Za-z0-9_-]{1,100})?$/);
const oidcFlowSchema = z.object({ state: z.string().max(100), nonce: z.string().max(100), codeVerifier: z.string().max(200), issuedAt: z.number() });
const cookieSchema = z.union([
  z.object({ t: z.literal("flow"), state: z.string().max(100), inviteId: z.string().nullable(), issuedAt: z.number(), consentPath: consentPathSchema }),
  z.object({
    t: z.literal("signing-in"),
    consentStateHash: z.string().length(64),
    inviteId: z.string().nullable(),
    consentPath: consentPathSchema,
    tenantClaim: z.string().regex(GUID_PATTERN),
    scope: z.string().max(2048).nullable(),
    prompt: z.enum(["none", "select_account"]),
    signIn: oidcFlowSchema,
  }),
  z.object({
    t: z.literal("used"),
    usedStateHash: z.string().length(64),
    usedSignInStateHash: z.string().length(64).nullable().default(null),
    usedAt: z.number(),
    consentPath: consentPathSchema.nullable(),
  }),
]);

export function hashState(state: string): string {
  return createHash("sha256").update(state, "utf8").digest("hex");
}

export function statesEqual(a: string, b: string): boolean {
  const x = Buffer.from(a, "utf8");
  const y = Buffer.from(b, "utf8");
  return x.length === y.length && timingSafeEqual(x, y);
}

export interface SealedCookie {
  name: string;
  value: string;
  options: ReturnType<typeof cookieOptions>;
}

async function sealCookie(data: object): Promise<SealedCookie> {
  return { name: CONSENT_COOKIE, value: await seal(data, COOKIE_SECONDS), options: cookieOptions(COOKIE_SECONDS, "/consent") };
}

export function sealConsentFlow(flow: ConsentFlow): Promise<SealedCookie> {
  return sealCookie({ t: "flow", ...flow });
}

export function sealSignInStep(step: SignInStep): Promise<SealedCookie> {
  return sealCookie({ t: "signing-in", ...step });
}

/** Left in place of the flow once its state was used, so a replay is explained as such. */
export function sealUsedMarker(stateHash: string, consentPath: string | null, signInStateHash: string | null = null): Promise<SealedCookie> {
  return sealCookie({ t: "used", usedStateHash: stateHash, usedSignInStateHash: signInStateHash, usedAt: Date.now(), consentPath } satisfies UsedMarker & { t: "used" });
}

export async function readConsentCookie(value: string | undefined): Promise<ReadCookie> {
  const parsed = cookieSchema.safeParse(await unseal<object>(value, COOKIE_SECONDS));
  if (!parsed.success) return { kind: "none" };
  const data = parsed.data;
  if (data.t === "flow") return { kind: "flow", flow: { state: data.state, inviteId: data.inviteId, issuedAt: data.issuedAt, consentPath: data.consentPath } };
  if (data.t === "signing-in") {
    const { t: _t, ...step } = data;
    return { kind: "signing-in", step };
  }
  return { kind: "used", usedStateHash: data.usedStateHash, usedSignInStateHash: data.usedSignInStateHash, consentPath: data.consentPath };
}
