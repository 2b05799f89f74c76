import { createHash } from "node:crypto";

import { audiencesOf, RESOURCES, type ResourceKey } from "./catalog";
import type { EmulatorContext } from "./context";
import { encodeHeader, signingInput, verifyRs256, type JwtClaims } from "./jws";
import { randomId } from "./random";
import type { ScenarioTenant, ScenarioUser } from "./scenario";
import type { AppState, ServicePrincipal } from "./state";

export const ACCESS_TOKEN_LIFETIME_SECONDS = 3599;

const headers = new WeakMap<EmulatorContext["signing"], string>();

/** Entra ID's token header: typ, RS256, and the key id as kid and x5t. */
async function sign(ctx: EmulatorContext, claims: JwtClaims): Promise<string> {
  let header = headers.get(ctx.signing);
  if (!header) headers.set(ctx.signing, (header = encodeHeader({ typ: "JWT", alg: "RS256", kid: ctx.signing.kid, x5t: ctx.signing.kid })));
  const input = signingInput(header, claims);
  return `${input}.${await ctx.signer.sign(input)}`;
}

/** How far clocks may disagree, as Microsoft's token validation allows by default. */
const CLOCK_SKEW_SECONDS = 300;

/** An app-only access token with the v1 claims Entra ID issues for client credentials. */
export async function issueAppToken(
  ctx: EmulatorContext,
  options: { tenant: ScenarioTenant; app: AppState; sp: ServicePrincipal; resource: ResourceKey; roles: string[]; credential: "secret" | "certificate" },
): Promise<string> {
  const now = Math.floor(ctx.state.clock() / 1000);
  const claims: JwtClaims = {
    aud: options.resource === "sharepoint" ? ctx.authorityHost : RESOURCES[options.resource].uris[0],
    iss: `https://sts.windows.net/${options.tenant.id}/`,
    iat: now,
    nbf: now,
    exp: now + ACCESS_TOKEN_LIFETIME_SECONDS + 1,
    aio: randomId(),
    app_displayname: options.app.scenario.displayName,
    appid: options.app.scenario.clientId,
    appidacr: options.credential === "certificate" ? "2" : "1",
    idp: `https://sts.windows.net/${options.tenant.id}/`,
    idtyp: "app",
    oid: options.sp.id,
    rh: randomId(),
    sub: options.sp.id,
    tid: options.tenant.id,
    uti: randomId(),
    ver: "1.0",
  };
  if (options.roles.length > 0) claims.roles = [...options.roles];
  const token = await sign(ctx, claims);
  // The sandbox just signed it: checking that signature again on first use would prove nothing.
  rememberValid(ctx, options.resource, token, claims as BearerClaims);
  return token;
}

/**
 * The v2 id_token of a signed-in user, with the app roles assigned to them. For a guest,
 * `tid` and `oid` are the resource tenant's and `idp` names the home tenant's STS.
 * @see https://learn.microsoft.com/entra/identity-platform/id-token-claims-reference
 */
export async function issueIdToken(
  ctx: EmulatorContext,
  options: { tenant: ScenarioTenant; user: ScenarioUser; homeTenantId?: string; clientId: string; nonce: string | undefined },
): Promise<string> {
  const now = Math.floor(ctx.state.clock() / 1000);
  const claims: JwtClaims = {
    aud: options.clientId,
    iss: `${ctx.authorityHost}/${options.tenant.id}/v2.0`,
    iat: now,
    nbf: now,
    exp: now + 3600,
    name: options.user.displayName,
    oid: options.user.id,
    preferred_username: options.user.userPrincipalName,
    // Pairwise and stable: one value per user and app, as Entra ID's `sub`.
    sub: createHash("sha256").update(`${options.clientId}:${options.tenant.id}:${options.user.id}`).digest("base64url"),
    tid: options.tenant.id,
    uti: randomId(),
    ver: "2.0",
  };
  if (options.homeTenantId) claims.idp = `https://sts.windows.net/${options.homeTenantId}/`;
  if (options.nonce) claims.nonce = options.nonce;
  const roles = Object.entries(options.user.appRoles).find(([clientId]) => clientId.toLowerCase() === options.clientId)?.[1] ?? [];
  if (roles.length) claims.roles = roles;
  return sign(ctx, claims);
}

/** A delegated token for the signed-in user (Graph User.Read), so the code grant answers like Entra ID. */
export async function issueUserAccessToken(ctx: EmulatorContext, options: { tenant: ScenarioTenant; user: ScenarioUser; clientId: string; scope: string }): Promise<string> {
  const now = Math.floor(ctx.state.clock() / 1000);
  return sign(ctx, {
    aud: RESOURCES.graph.uris[0],
    iss: `https://sts.windows.net/${options.tenant.id}/`,
    iat: now,
    nbf: now,
    exp: now + ACCESS_TOKEN_LIFETIME_SECONDS + 1,
    appid: options.clientId,
    idtyp: "user",
    name: options.user.displayName,
    oid: options.user.id,
    scp: options.scope,
    tid: options.tenant.id,
    upn: options.user.userPrincipalName,
    ver: "1.0",
  });
}

export type BearerClaims = JwtClaims & { tid: string; exp: number; appid?: string; roles?: string[]; oid?: string; idtyp?: string };

export type BearerCheck =
  | { ok: true; claims: BearerClaims }
  | { ok: false; message: string };

/** Validates a bearer token the way a resource does: signature, audience, issuer and lifetime. */
export function verifyBearer(ctx: EmulatorContext, authorization: string | undefined, resource: ResourceKey): BearerCheck {
  if (!authorization) return { ok: false, message: "Access token is empty." };
  const match = /^Bearer\s+(\S+)$/i.exec(authorization);
  if (!match) return { ok: false, message: "Access token is empty." };
  const token = match[1]!;
  // A resource server caches validation too.
  const validated = ctx.state.validatedTokens;
  const known = validated.get(`${resource}:${token}`);
  if (known && known.exp * 1000 > ctx.state.clock() && ctx.state.tenants.has(String(known.claims.tid))) {
    return { ok: true, claims: known.claims };
  }
  const result = verifyUncached(ctx, token, resource);
  if (result.ok) rememberValid(ctx, resource, token, result.claims);
  return result;
}

/** Caches a valid token's claims for its resource (bounded: the oldest entry makes room). */
function rememberValid(ctx: EmulatorContext, resource: ResourceKey, token: string, claims: BearerClaims): void {
  const validated = ctx.state.validatedTokens;
  if (validated.size >= 20_000) validated.delete(validated.keys().next().value!);
  validated.set(`${resource}:${token}`, { claims, exp: claims.exp });
}

function verifyUncached(ctx: EmulatorContext, token: string, resource: ResourceKey): BearerCheck {
  const checked = verifyRs256(token, ctx.signing.publicKey);
  if (!checked.ok) {
    return { ok: false, message: checked.reason === "malformed" ? "IDX14100: JWT is not well formed, there are no dots (.)." : "Access token validation failure. Invalid signature." };
  }
  const claims = checked.claims;
  const now = Math.floor(ctx.state.clock() / 1000);
  if (typeof claims.exp !== "number" || claims.exp + CLOCK_SKEW_SECONDS <= now) return { ok: false, message: "Lifetime validation failed, the token is expired." };
  if (typeof claims.nbf === "number" && claims.nbf - CLOCK_SKEW_SECONDS > now) return { ok: false, message: "Lifetime validation failed, the token is not yet valid." };
  const audiences = audiencesOf(resource, ctx.authorityHost);
  if (typeof claims.aud !== "string" || !audiences.includes(claims.aud.replace(/\/+$/, "").toLowerCase())) {
    return { ok: false, message: "Access token validation failure. Invalid audience." };
  }
  const tid = claims.tid;
  if (typeof tid !== "string" || claims.iss !== `https://sts.windows.net/${tid}/` || !ctx.state.tenants.has(tid)) {
    return { ok: false, message: "Access token validation failure. Invalid issuer." };
  }
  return { ok: true, claims: claims as BearerClaims };
}
