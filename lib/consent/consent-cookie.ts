import "server-only";

import { createHash, timingSafeEqual } from "node:crypto";

import { cookieOptions, seal, unseal } from "@/lib/session/sealed-cookie";

export const CONSENT_COOKIE = "consentry_consent";
/** The state is valid this long after Start. */
export const STATE_LIFETIME_SECONDS = 15 * 60;
/** The cookie outlives the state a little, so "expired" can be told apart from "missing". */
const COOKIE_SECONDS = 20 * 60;

export interface ConsentFlow {
  state: string;
  inviteId: string | null;
  issuedAt: number;
}

/** Left in place of the flow once its state was used, so a replay is explained as such. */
interface UsedMarker {
  usedStateHash: string;
  usedAt: number;
}

type CookieValue = ConsentFlow | UsedMarker;

export function hashState(state: string): string {
  return createHash("sha256").update(state, "utf8").digest("hex");
}

export function statesEqual(a: string, b: string): boolean {
  const x = Buffer.from(a, "utf8");
  const y = Buffer.from(b, "utf8");
  return x.length === y.length && timingSafeEqual(x, y);
}

export async function sealConsentFlow(flow: ConsentFlow) {
  return { name: CONSENT_COOKIE, value: await seal(flow, COOKIE_SECONDS), options: cookieOptions(COOKIE_SECONDS, "/consent") };
}

export async function sealUsedMarker(state: string) {
  return { name: CONSENT_COOKIE, value: await seal<UsedMarker>({ usedStateHash: hashState(state), usedAt: Date.now() }, COOKIE_SECONDS), options: cookieOptions(COOKIE_SECONDS, "/consent") };
}

export type ReadCookie = { kind: "none" } | { kind: "flow"; flow: ConsentFlow } | { kind: "used"; usedStateHash: string };

export async function readConsentCookie(value: string | undefined): Promise<ReadCookie> {
  const data = await unseal<CookieValue>(value, COOKIE_SECONDS);
  if (!data) return { kind: "none" };
  if ("usedStateHash" in data && typeof data.usedStateHash === "string") return { kind: "used", usedStateHash: data.usedStateHash };
  if ("state" in data && typeof data.state === "string" && typeof data.issuedAt === "number") {
    return { kind: "flow", flow: { state: data.state, inviteId: typeof data.inviteId === "string" ? data.inviteId : null, issuedAt: data.issuedAt } };
  }
  return { kind: "none" };
}
