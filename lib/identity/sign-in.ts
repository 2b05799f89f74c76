import "server-only";

import { randomBytes } from "node:crypto";
import { CryptoProvider } from "@azure/msal-node";
import { z } from "zod";

import { getConfig } from "@/lib/config";
import { AppError } from "@/lib/errors";
import { IdentityError, toIdentityFailure } from "@/lib/identity/identity-error";
import { getMsalClient } from "@/lib/identity/msal-client";

const SCOPES = ["openid", "profile"];

/** What a sign-in must carry from the redirect to the callback (kept sealed in a cookie). */
export interface SignInFlow {
  state: string;
  nonce: string;
  codeVerifier: string;
  returnTo: string;
  issuedAt: number;
}

export interface SignedInUser {
  oid: string;
  tenantId: string;
  username: string;
  name: string;
  roles: string[];
}

function redirectUri(): string {
  return `${getConfig().publicBaseUrl}/auth/callback`;
}

/** Starts the authorization-code flow with PKCE; returns the URL to send the browser to. */
export async function beginSignIn(returnTo: string): Promise<{ url: string; flow: SignInFlow }> {
  const { verifier, challenge } = await new CryptoProvider().generatePkceCodes();
  const flow: SignInFlow = {
    state: randomBytes(24).toString("base64url"),
    nonce: randomBytes(24).toString("base64url"),
    codeVerifier: verifier,
    returnTo,
    issuedAt: Date.now(),
  };
  const config = getConfig();
  try {
    const url = await getMsalClient().getAuthCodeUrl({
      scopes: SCOPES,
      redirectUri: redirectUri(),
      codeChallenge: challenge,
      codeChallengeMethod: "S256",
      state: flow.state,
      nonce: flow.nonce,
      prompt: "select_account",
      authority: `${config.cloud.authorityHost}/organizations`,
    });
    return { url, flow };
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw new IdentityError(toIdentityFailure(error), "The sign-in page of the identity platform could not be reached.");
  }
}

const idClaimsSchema = z.object({
  tid: z.string(),
  oid: z.string(),
  preferred_username: z.string().optional(),
  name: z.string().optional(),
  roles: z.array(z.string()).optional(),
});

/** Redeems the code (PKCE verifier and nonce checked) and returns who signed in. */
export async function completeSignIn(code: string, flow: SignInFlow): Promise<SignedInUser> {
  const config = getConfig();
  let result;
  try {
    result = await getMsalClient().acquireTokenByCode(
      {
        code,
        scopes: SCOPES,
        redirectUri: redirectUri(),
        codeVerifier: flow.codeVerifier,
        nonce: flow.nonce,
        state: flow.state,
        authority: `${config.cloud.authorityHost}/organizations`,
      },
      { code, state: flow.state },
    );
  } catch (error) {
    throw new IdentityError(toIdentityFailure(error), "The sign-in could not be completed.");
  }
  const parsed = idClaimsSchema.safeParse(result?.idTokenClaims ?? {});
  if (!parsed.success) throw new AppError("sign_in_invalid_token", "The identity platform's answer did not say who signed in.", { status: 502 });
  const c = parsed.data;
  return { oid: c.oid, tenantId: c.tid.toLowerCase(), username: c.preferred_username ?? c.oid, name: c.name ?? c.preferred_username ?? "Partner user", roles: c.roles ?? [] };
}
