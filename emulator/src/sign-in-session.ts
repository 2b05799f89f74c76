import type { IncomingMessage, ServerResponse } from "node:http";

import type { EmulatorContext } from "./context";
import type { ScenarioTenant } from "./scenario";
import { accountOf, type Principal } from "./state";

/**
 * The login host's sign-in session, standing in for Entra ID's ESTSAUTH cookie: an opaque id
 * mapped to the signed-in accounts in the emulator's state. Cookies are not scoped by port
 * (RFC 6265 §8.5), so the name carries the login host's port to keep two emulators on
 * 127.0.0.1 apart. Plain http rules out SameSite=None (it needs Secure); Lax still travels on
 * the top-level redirect a portal sends to /authorize.
 */
function cookieName(ctx: EmulatorContext): string {
  return `sandbox_estsauth_${new URL(ctx.loginHost).port || "80"}`;
}

function sessionId(ctx: EmulatorContext, req: IncomingMessage): string | undefined {
  const name = cookieName(ctx);
  for (const part of (req.headers.cookie ?? "").split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** Records that this browser signed in as `principal` (its home account, for a guest) and sets the cookie. */
export function rememberSignIn(ctx: EmulatorContext, req: IncomingMessage, res: ServerResponse, principal: Principal): void {
  const id = ctx.state.rememberSignIn(sessionId(ctx, req), accountOf(principal));
  res.setHeader("set-cookie", `${cookieName(ctx)}=${id}; Path=/; HttpOnly; SameSite=Lax`);
}

/** The session's accounts that can sign in at this tenant (any, for `organizations` / `common`), most recent first. */
export function sessionPrincipals(ctx: EmulatorContext, req: IncomingMessage, tenant: ScenarioTenant | null): { accounts: string[]; principals: Principal[] } {
  const accounts = ctx.state.signedInAccounts(sessionId(ctx, req));
  const candidates = ctx.state.principals(tenant).filter((p) => accounts.includes(accountOf(p)));
  candidates.sort((a, b) => accounts.indexOf(accountOf(a)) - accounts.indexOf(accountOf(b)));
  return { accounts, principals: candidates };
}

export type SilentSignIn = { ok: true; principal: Principal } | { ok: false; error: string; code: number; message: string };

/**
 * `prompt=none`: a code only when exactly one signed-in account can sign in at this tenant.
 * No account at all is `login_required` AADSTS50058; accounts that cannot sign in here, or
 * several that can, are `interaction_required` AADSTS16000 — the texts Microsoft documents.
 * @see https://learn.microsoft.com/entra/identity-platform/msal-js-sso#without-user-hint (AADSTS16000)
 * @see https://learn.microsoft.com/entra/identity-platform/msal-js-known-issues-ie-edge-browsers (AADSTS50058)
 * @see https://learn.microsoft.com/entra/identity-platform/v2-oauth2-auth-code-flow#error-codes-for-authorization-endpoint-errors
 */
export function silentSignIn(ctx: EmulatorContext, req: IncomingMessage, tenant: ScenarioTenant | null): SilentSignIn {
  const { accounts, principals } = sessionPrincipals(ctx, req, tenant);
  if (accounts.length === 0) {
    return {
      ok: false,
      error: "login_required",
      code: 50058,
      message:
        "A silent sign-in request was sent but no user is signed in. The cookies used to represent the user's session were not sent in the request to Azure AD. This can happen if the user is using Internet Explorer or Edge, and the web app sending the silent sign-in request is in different IE security zone than the Azure AD endpoint (login.microsoftonline.com).",
    };
  }
  if (principals.length === 1) return { ok: true, principal: principals[0]! };
  return {
    ok: false,
    error: "interaction_required",
    code: 16000,
    message: "Either multiple user identities are available for the current request or selected account is not supported for the scenario.",
  };
}
