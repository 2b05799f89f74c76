import "server-only";

import { getConfig } from "@/lib/config";
import type { CallbackDeps } from "@/lib/consent/callback";
import type { SignInCallbackDeps } from "@/lib/consent/sign-in-callback";
import { startVerification } from "@/lib/consent/verify";
import type { Db } from "@/lib/db/database";
import { resolveTenantId, tenantExists } from "@/lib/identity/tenant-discovery";
import { buildSignInRequest, redeemSignInCode, type SignInPrompt } from "@/lib/identity/sign-in";

/** The customer's sign-in comes back here; register it on the app next to /consent/callback. */
export function customerSignInRedirectUri(): string {
  return `${getConfig().publicBaseUrl}/consent/signin/callback`;
}

/**
 * The customer signs in at the consenting tenant's own authority, never `organizations`:
 * an MSP technician who consents as a guest or through GDAP then gets an id_token whose
 * `tid` is the customer's tenant, not their home tenant.
 * @see https://learn.microsoft.com/entra/identity-platform/howto-convert-app-to-be-multi-tenant#understand-user-and-admin-consent-and-make-appropriate-code-changes
 */
function buildCustomerSignIn(tenantId: string, prompt: SignInPrompt) {
  return buildSignInRequest({ authority: { tenantId }, redirectUri: customerSignInRedirectUri(), prompt });
}

/** What the consent callback needs from the identity platform. */
export function consentCallbackDeps(): CallbackDeps {
  return { resolveTenantId, tenantExists, buildSignIn: buildCustomerSignIn };
}

/** What the customer sign-in callback needs: the identity platform, and verification. */
export function signInCallbackDeps(db: Db): SignInCallbackDeps {
  return {
    buildSignIn: buildCustomerSignIn,
    tenantExists,
    redeem: (code, flow, tenantId) => redeemSignInCode(code, flow, { authority: { tenantId }, redirectUri: customerSignInRedirectUri() }),
    startVerification: (attemptId) => void startVerification(db, attemptId),
  };
}
