import { randomBytes, randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";

import { MULTI_TENANT_SEGMENTS, type EmulatorContext } from "./context";
import { aadErrorBody, escapeHtml, readBody, redirect, sendHtml } from "./http";
import { appendQuery, redirectUriRegistered } from "./redirect-uri";
import { rememberSignIn, silentSignIn } from "./sign-in-session";
import { hiddenInputs, sessionChoice, signInErrorPage, signInPage, userOptions } from "./sign-in-page";

// GET|POST /{tenant}/oauth2/v2.0/authorize — the user picker standing in for Microsoft's sign-in page.
export async function authorize(ctx: EmulatorContext, req: IncomingMessage, res: ServerResponse, segment: string): Promise<void> {
  const url = new URL(req.url ?? "/", "http://emulator");
  const params = req.method === "POST" ? new URLSearchParams(await readBody(req)) : url.searchParams;
  const userId = params.get("login_user");
  params.delete("login_user");
  const multi = MULTI_TENANT_SEGMENTS.has(segment.toLowerCase());
  const tenant = multi ? null : ctx.state.resolveTenant(segment);
  if (!multi && !tenant) return signInErrorPage(res, 90002, `Tenant '${segment}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`);
  const clientId = (params.get("client_id") ?? "").toLowerCase();
  const app = ctx.state.apps.get(clientId);
  if (!app) return signInErrorPage(res, 700016, `Application with identifier '${clientId}' was not found in the directory '${tenant?.displayName ?? segment}'.`);
  const redirectUri = params.get("redirect_uri") ?? "";
  if (!redirectUriRegistered(app, redirectUri)) {
    return signInErrorPage(res, 50011, `The redirect URI '${redirectUri}' specified in the request does not match the redirect URIs configured for the application '${clientId}'.`);
  }
  const state = params.get("state") ?? undefined;
  const responseMode = params.get("response_mode") ?? "query";
  const fail = (error: string, description: string) => redirect(res, appendQuery(redirectUri, { error, error_description: description, state }));
  if (params.get("response_type") !== "code") return fail("unsupported_response_type", "AADSTS700054: response_type 'code' is required by this emulator.");
  const challengeMethod = params.get("code_challenge_method");
  if (params.get("code_challenge") && challengeMethod !== "S256") return fail("invalid_request", "AADSTS501491: Invalid code_challenge_method; use S256.");

  const principals = ctx.state.principals(tenant);
  let chosen = userId ? principals.find((p) => p.user.id === userId) : undefined;
  if (chosen) {
    rememberSignIn(ctx, req, res, chosen);
  } else if (params.get("prompt") === "none") {
    const silent = silentSignIn(ctx, req, tenant);
    if (!silent.ok) return fail(silent.error, aadErrorBody({ status: 400, error: silent.error, code: silent.code, message: silent.message }, ctx.authorityHost).error_description);
    chosen = silent.principal;
  } else {
    // select_account, login, consent or no prompt: the picker, with this browser's account preselected.
    sendHtml(
      res,
      200,
      signInPage(
        "Sign in to your account",
        `<h1>Sign in</h1><p>to continue to <strong>${escapeHtml(app.scenario.displayName)}</strong></p>
<form method="post" action="/${escapeHtml(segment)}/oauth2/v2.0/authorize">${hiddenInputs(params)}
<label for="login_user">Pick an account</label><select id="login_user" name="login_user">${userOptions(principals, sessionChoice(ctx, req, tenant))}</select>
<div class="buttons"><button class="primary" type="submit">Sign in</button></div></form>`,
      ),
    );
    return;
  }
  const code = randomBytes(32).toString("base64url");
  ctx.state.authCodes.set(code, {
    clientId,
    redirectUri,
    tenantId: chosen.tenant.id,
    userId: chosen.user.id,
    scope: params.get("scope") ?? "openid profile",
    nonce: params.get("nonce") ?? undefined,
    codeChallenge: params.get("code_challenge") ?? undefined,
    expiresAt: ctx.state.clock() + 10 * 60_000,
  });
  // client_info names the home account (a guest's home user and tenant), as MSAL's homeAccountId expects.
  const home = chosen.home ?? chosen;
  const clientInfo = Buffer.from(JSON.stringify({ uid: home.user.id, utid: home.tenant.id })).toString("base64url");
  const answer = { code, client_info: clientInfo, state, session_state: randomUUID() };
  if (responseMode === "form_post") {
    const inputs = Object.entries(answer)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `<input type="hidden" name="${k}" value="${escapeHtml(v)}">`)
      .join("");
    sendHtml(res, 200, `<!doctype html><html lang="en"><body><form method="post" action="${escapeHtml(redirectUri)}">${inputs}<noscript><button type="submit">Continue</button></noscript></form></body></html>`);
    return;
  }
  redirect(res, appendQuery(redirectUri, answer));
}
