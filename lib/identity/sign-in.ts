import "server-only";

import { randomBytes } from "node:crypto";
import { CryptoProvider } from "@azure/msal-node";
import { z } from "zod";

import { getConfig } from "@/lib/config";
import { AppError } from "@/lib/errors";
import { IdentityError, toIdentityFailure } from "@/lib/identity/identity-error";
import { getMsalClient } from "@/lib/identity/msal-client";
import { GUID_PATTERN, isTenantGuid } from "@/lib/identity/tenant-id";

const SCOPES = ["openid", "profile"];

/** What a sign-in must carry from the redirect to the callback (kept sealed in a cookie). */
export interface OidcFlow {
  state: string;
  nonce: string;
  codeVerifier: string;
  issuedAt: number;
}

/** A partner sign-in also remembers where to go afterwards. */
export interface SignInFlow extends OidcFlow {
  returnTo: string;
}

export interface SignedInUser {
  oid: string;
  tenantId: string;
  username: string;
  name: string;
  roles: string[];
}

/**
 * Where a sign-in happens: `organizations` (anyone with a work account; the id_token's
 * `tid` is their home tenant) or one tenant's GUID (its members and guests; `tid` is
 * that tenant, which is what a GDAP technician consenting for a customer needs).
 */
export type SignInAuthority = "organizations" | { tenantId: string };

/**
 * `none` asks for a silent answer from the session the browser already holds at
 * Microsoft (errors `login_required` / `interaction_required` when there is none);
 * `select_account` always shows the account picker.
 * @see https://learn.microsoft.com/entra/identity-platform/v2-oauth2-auth-code-flow#request-an-authorization-code
 */
export type SignInPrompt = "none" | "select_account";

function authorityUrl(authority: SignInAuthority): string {
  const host = getConfig().cloud.authorityHost;
  if (authority === "organizations") return `${host}/organizations`;
  // Only a GUID ever goes into the path: a tenant claim from a query string cannot steer the URL.
  if (!isTenantGuid(authority.tenantId)) throw new AppError("invalid_tenant", "A sign-in authority must be a tenant GUID.");
  return `${host}/${authority.tenantId.toLowerCase()}`;
}

/** Starts an OpenID Connect sign-in (authorization code + PKCE, nonce); returns the URL to send the browser to. */
export async function buildSignInRequest(options: { authority: SignInAuthority; redirectUri: string; prompt: SignInPrompt }): Promise<{ url: string; flow: OidcFlow }> {
  const { verifier, challenge } = await new CryptoProvider().generatePkceCodes();
  const flow: OidcFlow = {
    state: randomBytes(24).toString("base64url"),
    nonce: randomBytes(24).toString("base64url"),
    codeVerifier: verifier,
    issuedAt: Date.now(),
  };
  try {
    const url = await getMsalClient().getAuthCodeUrl({
      scopes: SCOPES,
      redirectUri: options.redirectUri,
      codeChallenge: challenge,
      codeChallengeMethod: "S256",
      state: flow.state,
      nonce: flow.nonce,
      prompt: options.prompt,
      authority: authorityUrl(options.authority),
    });
    return { url, flow };
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw new IdentityError(toIdentityFailure(error), "The sign-in page of the identity platform could not be reached.");
  }
}

const idClaimsSchema = z.object({
  tid: z.string().regex(GUID_PATTERN),
  oid: z.string().min(1).max(100),
  aud: z.string(),
  preferred_username: z.string().max(300).optional(),
  name: z.string().max(300).optional(),
  roles: z.array(z.string().max(200)).max(100).optional(),
});

/**
 * Redeems the code with its PKCE verifier and returns who signed in. msal-node's
 * confidential client checks the id_token's nonce against `request.nonce` whenever an
 * auth-code payload is given (ConfidentialClientApplication.acquireTokenByCode rebuilds
 * the payload from the request). The state is checked by the caller against its sealed
 * cookie before this runs. The id_token comes straight from the token endpoint over TLS,
 * which OpenID Connect accepts instead of a signature check (Core 1.0 §3.1.3.7, step 6).
 */
export async function redeemSignInCode(code: string, flow: OidcFlow, options: { authority: SignInAuthority; redirectUri: string }): Promise<SignedInUser> {
  const config = getConfig();
  let result;
  try {
    result = await getMsalClient().acquireTokenByCode(
      {
        code,
        scopes: SCOPES,
        redirectUri: options.redirectUri,
        codeVerifier: flow.codeVerifier,
        nonce: flow.nonce,
        state: flow.state,
        authority: authorityUrl(options.authority),
      },
      { code, state: flow.state },
    );
  } catch (error) {
    throw new IdentityError(toIdentityFailure(error), "The sign-in could not be completed.");
  }
  // Only who signed in matters; the shared client must not keep every customer's tokens (memory, refresh tokens).
  if (result?.account) await getMsalClient().getTokenCache().removeAccount(result.account);
  const parsed = idClaimsSchema.safeParse(result?.idTokenClaims ?? {});
  if (!parsed.success) throw new AppError("sign_in_invalid_token", "The identity platform's answer did not say who signed in.");
  const c = parsed.data;
  if (c.aud.toLowerCase() !== config.clientId) {
    throw new AppError("sign_in_invalid_token", "The identity platform's answer was issued to another application.", { cause: { expected: config.clientId, actual: c.aud } });
  }
  return { oid: c.oid, tenantId: c.tid.toLowerCase(), username: c.preferred_username ?? c.oid, name: c.name ?? c.preferred_username ?? "Signed-in user", roles: c.roles ?? [] };
}

function partnerRedirectUri(): string {
  return `${getConfig().publicBaseUrl}/auth/callback`;
}

/** Partner sign-in: any work account may try; the callback admits only PARTNER_TENANT_ID. */
export async function beginSignIn(returnTo: string): Promise<{ url: string; flow: SignInFlow }> {
  const { url, flow } = await buildSignInRequest({ authority: "organizations", redirectUri: partnerRedirectUri(), prompt: "select_account" });
  return { url, flow: { ...flow, returnTo } };
}

export async function completeSignIn(code: string, flow: SignInFlow): Promise<SignedInUser> {
  return redeemSignInCode(code, flow, { authority: "organizations", redirectUri: partnerRedirectUri() });
}
