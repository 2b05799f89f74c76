import { createHash, randomBytes, randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { compactVerify, decodeProtectedHeader, decodeJwt } from "jose";

import { RESOURCES, resourceFromIdentifier, type ResourceKey } from "./catalog";
import { GUID, MULTI_TENANT_SEGMENTS, type EmulatorContext } from "./context";
import { aadErrorBody, aadTimestamp, escapeHtml, readBody, redirect, sendAadError, sendHtml, sendJson } from "./http";
import { isConsentAdmin, type ScenarioTenant } from "./scenario";
import { rememberSignIn, sessionPrincipals, silentSignIn } from "./sign-in-session";
import { grantsFrom, type AppState, type Principal } from "./state";
import { ACCESS_TOKEN_LIFETIME_SECONDS, issueAppToken, issueIdToken, issueUserAccessToken } from "./tokens";

// ---------------------------------------------------------------- metadata

/**
 * OpenID Connect discovery, v2 and v1. Endpoints name the tenant GUID when the path
 * names a tenant by domain (as Entra ID does); pages a browser opens point at the
 * plain-http login host, everything a server calls at the https authority host.
 * @see https://learn.microsoft.com/entra/identity-platform/v2-protocols-oidc
 */
export function openIdConfiguration(ctx: EmulatorContext, res: ServerResponse, segment: string, version: "v1" | "v2"): void {
  const tenant = ctx.state.resolveTenant(segment);
  const multi = MULTI_TENANT_SEGMENTS.has(segment.toLowerCase());
  if (!tenant && !multi) return tenantNotFound(ctx, res, segment, 400);
  const t = tenant ? tenant.id : segment.toLowerCase();
  const a = ctx.authorityHost;
  if (version === "v1") {
    sendJson(res, 200, {
      token_endpoint: `${a}/${t}/oauth2/token`,
      token_endpoint_auth_methods_supported: ["client_secret_post", "private_key_jwt", "client_secret_basic"],
      jwks_uri: `${a}/common/discovery/keys`,
      response_modes_supported: ["query", "fragment", "form_post"],
      subject_types_supported: ["pairwise"],
      id_token_signing_alg_values_supported: ["RS256"],
      response_types_supported: ["code", "id_token", "code id_token", "token id_token", "token"],
      scopes_supported: ["openid"],
      issuer: `https://sts.windows.net/${tenant ? tenant.id : "{tenantid}"}/`,
      authorization_endpoint: `${ctx.loginHost}/${t}/oauth2/authorize`,
      http_logout_supported: true,
      frontchannel_logout_supported: true,
      end_session_endpoint: `${ctx.loginHost}/${t}/oauth2/logout`,
      tenant_region_scope: "NA",
      cloud_instance_name: "sandbox.consentry.local",
      cloud_graph_host_name: "graph.windows.net",
      msgraph_host: new URL(ctx.graphHost).host,
    });
    return;
  }
  sendJson(res, 200, {
    token_endpoint: `${a}/${t}/oauth2/v2.0/token`,
    token_endpoint_auth_methods_supported: ["client_secret_post", "private_key_jwt", "client_secret_basic"],
    jwks_uri: `${a}/${t}/discovery/v2.0/keys`,
    response_modes_supported: ["query", "fragment", "form_post"],
    subject_types_supported: ["pairwise"],
    id_token_signing_alg_values_supported: ["RS256"],
    response_types_supported: ["code", "id_token", "code id_token", "id_token token"],
    scopes_supported: ["openid", "profile", "email", "offline_access"],
    issuer: `${a}/${tenant ? tenant.id : "{tenantid}"}/v2.0`,
    request_uri_parameter_supported: false,
    userinfo_endpoint: `${ctx.graphHost}/oidc/userinfo`,
    authorization_endpoint: `${ctx.loginHost}/${t}/oauth2/v2.0/authorize`,
    device_authorization_endpoint: `${a}/${t}/oauth2/v2.0/devicecode`,
    http_logout_supported: true,
    frontchannel_logout_supported: true,
    end_session_endpoint: `${ctx.loginHost}/${t}/oauth2/v2.0/logout`,
    claims_supported: ["sub", "iss", "aud", "exp", "iat", "auth_time", "acr", "nonce", "preferred_username", "name", "tid", "ver", "at_hash", "c_hash", "email", "roles", "oid"],
    kerberos_endpoint: `${a}/${t}/kerberos`,
    tenant_region_scope: "NA",
    cloud_instance_name: "sandbox.consentry.local",
    cloud_graph_host_name: "graph.windows.net",
    msgraph_host: new URL(ctx.graphHost).host,
    rbac_url: "https://pas.windows.net",
  });
}

/** Instance discovery, answered so that clients that do not skip it accept this host. */
export function instanceDiscovery(ctx: EmulatorContext, res: ServerResponse): void {
  const host = new URL(ctx.authorityHost).host;
  sendJson(res, 200, {
    tenant_discovery_endpoint: `${ctx.authorityHost}/common/v2.0/.well-known/openid-configuration`,
    "api-version": "1.1",
    metadata: [{ preferred_network: host, preferred_cache: host, aliases: [host] }],
  });
}

export function jwks(ctx: EmulatorContext, res: ServerResponse): void {
  sendJson(res, 200, { keys: [ctx.signing.jwk] });
}

function tenantNotFound(ctx: EmulatorContext, res: ServerResponse, segment: string, status: number): void {
  sendAadError(
    res,
    {
      status,
      error: "invalid_tenant",
      code: 90002,
      message: `Tenant '${segment}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.`,
    },
    ctx.authorityHost,
  );
}

// ---------------------------------------------------------------- pages

const PAGE_STYLE = `body{font-family:Segoe UI,system-ui,sans-serif;background:#f2f2f2;margin:0;color:#1b1b1b}
main{max-width:440px;margin:48px auto;background:#fff;padding:44px;box-shadow:0 2px 6px rgba(0,0,0,.2)}
h1{font-size:24px;font-weight:600;margin:0 0 16px}.muted{color:#616161;font-size:13px}.sandbox{background:#fff4ce;padding:6px 10px;font-size:12px;margin-bottom:16px}
ul{padding-left:20px}li{margin:6px 0}label{display:block;margin:16px 0 6px;font-weight:600}select{width:100%;padding:6px}
.buttons{display:flex;gap:8px;justify-content:flex-end;margin-top:24px}button{padding:6px 16px;border:1px solid #8a8886;background:#fff;cursor:pointer}
button.primary{background:#0067b8;color:#fff;border-color:#0067b8}.error{color:#a80000}code{word-break:break-all}`;

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${escapeHtml(title)}</title><style>${PAGE_STYLE}</style></head><body><main><p class="sandbox">Sandbox cloud: a local emulator of Microsoft Entra ID. No real account is involved.</p>${body}</main></body></html>`;
}

/** The page Entra ID shows instead of redirecting when it cannot trust the redirect URI or the request. */
function errorPage(res: ServerResponse, code: number, message: string, heading = "Sorry, but we're having trouble signing you in."): void {
  const requestId = randomUUID();
  const correlationId = randomUUID();
  sendHtml(
    res,
    400,
    page(
      heading,
      `<h1>${escapeHtml(heading)}</h1><p class="error" data-testid="aadsts">AADSTS${code}: ${escapeHtml(message)}</p>
<p class="muted">Request Id: ${requestId}<br>Correlation Id: ${correlationId}<br>Timestamp: ${aadTimestamp()}</p>`,
    ),
  );
}

function hiddenInputs(params: URLSearchParams, skip: string[] = []): string {
  return [...params.entries()]
    .filter(([k]) => !skip.includes(k))
    .map(([k, v]) => `<input type="hidden" name="${escapeHtml(k)}" value="${escapeHtml(v)}">`)
    .join("");
}

function userOptions(principals: Principal[], selected?: string): string {
  return principals
    .map(({ tenant, user, home }) => {
      const roles = user.directoryRoles.length ? user.directoryRoles.join(", ") : "no admin role";
      const where = home ? `${tenant.displayName} (guest from ${home.tenant.displayName})` : tenant.displayName;
      return `<option value="${user.id}"${user.id === selected ? " selected" : ""}>${escapeHtml(user.displayName)} (${escapeHtml(user.userPrincipalName)}), ${escapeHtml(where)}, ${escapeHtml(roles)}</option>`;
    })
    .join("");
}

/** The option a picker preselects: the most recent account of this browser's session that can sign in here. */
function sessionChoice(ctx: EmulatorContext, req: IncomingMessage, tenant: ScenarioTenant | null): string | undefined {
  return sessionPrincipals(ctx, req, tenant).principals[0]?.user.id;
}

/**
 * Entra ID compares redirect URIs exactly, except that the port of an http://localhost
 * (or 127.0.0.1) URI is ignored.
 * @see https://learn.microsoft.com/entra/identity-platform/reply-url#localhost-exceptions
 */
export function redirectUriRegistered(app: AppState, redirectUri: string): boolean {
  let requested: URL;
  try {
    requested = new URL(redirectUri);
  } catch {
    return false;
  }
  return app.scenario.redirectUris.some((registered) => {
    const r = new URL(registered);
    const loopback = (u: URL) => u.protocol === "http:" && (u.hostname === "localhost" || u.hostname === "127.0.0.1");
    if (loopback(r) && loopback(requested)) return r.hostname === requested.hostname && r.pathname === requested.pathname && r.search === requested.search;
    return r.href === requested.href;
  });
}

function appendQuery(base: string, params: Record<string, string | undefined>): string {
  const url = new URL(base);
  for (const [k, v] of Object.entries(params)) if (v !== undefined) url.searchParams.append(k, v);
  return url.toString();
}

// ---------------------------------------------------------------- admin consent

interface ConsentRequest {
  tenantSegment: string;
  tenant: ScenarioTenant | null;
  app: AppState;
  redirectUri: string;
  state: string | undefined;
  version: "v1" | "v2";
  /** v2: the resources named in `scope`; v1: every resource the app is configured for. */
  resources: ResourceKey[];
  scope: string | undefined;
}

/** Validates what Entra ID validates before it may redirect; shows its error page otherwise. */
function parseConsentRequest(ctx: EmulatorContext, res: ServerResponse, segment: string, params: URLSearchParams, version: "v1" | "v2"): ConsentRequest | null {
  const clientId = params.get("client_id")?.toLowerCase();
  if (!clientId) {
    errorPage(res, 900144, "The request body must contain the following parameter: 'client_id'.");
    return null;
  }
  const multi = MULTI_TENANT_SEGMENTS.has(segment.toLowerCase());
  const tenant = multi ? null : ctx.state.resolveTenant(segment);
  if (!multi && !tenant) {
    errorPage(res, 90002, `Tenant '${segment}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`);
    return null;
  }
  const app = ctx.state.apps.get(clientId);
  if (!app || !GUID.test(clientId)) {
    errorPage(
      res,
      700016,
      `Application with identifier '${clientId}' was not found in the directory '${tenant?.displayName ?? segment}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`,
    );
    return null;
  }
  const redirectUri = params.get("redirect_uri") ?? "";
  if (!redirectUriRegistered(app, redirectUri)) {
    errorPage(
      res,
      50011,
      `The redirect URI '${redirectUri}' specified in the request does not match the redirect URIs configured for the application '${app.scenario.clientId}'. Make sure the redirect URI sent in the request matches one added to your application in the Azure portal. Navigate to https://aka.ms/redirectUriMismatchError to learn more about how to fix this.`,
    );
    return null;
  }
  const state = params.get("state") ?? undefined;
  let resources = [...new Set(app.scenario.requiredResourceAccess.map((r) => r.resource))];
  const scope = params.get("scope") ?? undefined;
  if (version === "v2") {
    const parts = (scope ?? "").split(/\s+/).filter(Boolean);
    const named = parts.map((p) => (p.endsWith("/.default") ? resourceFromIdentifier(p.slice(0, -"/.default".length), ctx.authorityHost) : null));
    if (parts.length === 0 || named.some((r) => r === null)) {
      redirect(
        res,
        appendQuery(redirectUri, {
          error: "invalid_request",
          error_description: `AADSTS70011: The provided request must include a 'scope' input parameter naming a resource with /.default, such as https://graph.microsoft.com/.default. The provided value was '${scope ?? ""}'.`,
          state,
        }),
      );
      return null;
    }
    resources = [...new Set(named as ResourceKey[])];
  }
  return { tenantSegment: segment, tenant, app, redirectUri, state, version, resources, scope };
}

function permissionList(request: ConsentRequest): string {
  const items = request.app.scenario.requiredResourceAccess
    .filter((r) => request.resources.includes(r.resource))
    .flatMap((r) => r.roles.map((role) => `<li>${escapeHtml(role)} <span class="muted">(${escapeHtml(RESOURCES[r.resource].displayName)}, application permission)</span></li>`));
  return items.length ? `<ul data-testid="permissions">${items.join("")}</ul>` : `<p class="muted">No permissions are configured for this app.</p>`;
}

function consentPage(ctx: EmulatorContext, res: ServerResponse, request: ConsentRequest, params: URLSearchParams, selected: string | undefined, error?: string): void {
  const users = ctx.state.principals(request.tenant);
  const action = `${request.version === "v2" ? `/${request.tenantSegment}/v2.0/adminconsent` : `/${request.tenantSegment}/adminconsent`}`;
  sendHtml(
    res,
    error ? 400 : 200,
    page(
      "Permissions requested",
      `<h1>Permissions requested</h1>
<p><strong data-testid="app-name">${escapeHtml(request.app.scenario.displayName)}</strong><br><span class="muted">${escapeHtml(request.app.scenario.publisherName)}</span></p>
<p>This app would like to, for your whole organization:</p>${permissionList(request)}
<p class="muted">Accepting grants these permissions for all users of the organization. Only a Global Administrator or Privileged Role Administrator can accept.</p>
${error ? `<p class="error" role="alert">${escapeHtml(error)}</p>` : ""}
<form method="post" action="${escapeHtml(action)}">${hiddenInputs(params)}
<label for="user">Signed in as</label><select id="user" name="user">${userOptions(users, selected)}</select>
<div class="buttons"><button type="submit" name="action" value="decline">Decline</button><button type="submit" name="action" value="cancel">Cancel</button><button class="primary" type="submit" name="action" value="accept">Accept</button></div>
</form>`,
    ),
  );
}

// GET|POST /{tenant}/adminconsent and /{tenant}/v2.0/adminconsent — the admin-consent endpoints.
export async function adminConsent(ctx: EmulatorContext, req: IncomingMessage, res: ServerResponse, segment: string, version: "v1" | "v2"): Promise<void> {
  const url = new URL(req.url ?? "/", "http://emulator");
  if (req.method === "GET") {
    const request = parseConsentRequest(ctx, res, segment, url.searchParams, version);
    if (request) consentPage(ctx, res, request, url.searchParams, sessionChoice(ctx, req, request.tenant));
    return;
  }
  const form = new URLSearchParams(await readBody(req));
  const userId = form.get("user") ?? "";
  const choice = form.get("action") ?? "";
  form.delete("user");
  form.delete("action");
  const request = parseConsentRequest(ctx, res, segment, form, version);
  if (!request) return;
  // At Microsoft the admin signs in before the consent screen, whatever they then choose.
  const found = ctx.state.principals(request.tenant).find((p) => p.user.id === userId);
  if (found) rememberSignIn(ctx, req, res, found);
  if (choice === "cancel" || choice === "decline") {
    redirect(
      res,
      appendQuery(request.redirectUri, {
        error: "access_denied",
        ...(choice === "cancel" ? { error_subcode: "cancel" } : {}),
        state: request.state,
        error_description: "AADSTS65004: User declined to consent to access the app.",
      }),
    );
    return;
  }
  if (choice !== "accept" || !found) return consentPage(ctx, res, request, form, userId, "Choose who is signing in, then Accept or Cancel.");
  if (!isConsentAdmin(found.user)) {
    errorPage(
      res,
      90094,
      `The grant requires admin permission. ${found.user.userPrincipalName} is not a Global Administrator or Privileged Role Administrator of ${found.tenant.displayName}.`,
      "Need admin approval",
    );
    return;
  }
  const configured = request.app.scenario.requiredResourceAccess.filter((r) => request.resources.includes(r.resource));
  ctx.state.createServicePrincipal(found.tenant.id, request.app.scenario.clientId, grantsFrom(configured), request.app.scenario.directoryRolesOnConsent, ctx.state.clock());
  ctx.state.recordConsent({ tenantId: found.tenant.id, clientId: request.app.scenario.clientId, userId: found.user.id, version });
  redirect(
    res,
    appendQuery(request.redirectUri, {
      admin_consent: "True",
      tenant: found.tenant.id,
      ...(version === "v2" ? { scope: request.scope } : {}),
      state: request.state,
    }),
  );
}

// ---------------------------------------------------------------- sign-in (authorization code + PKCE)

// GET|POST /{tenant}/oauth2/v2.0/authorize — the user picker standing in for Microsoft's sign-in page.
export async function authorize(ctx: EmulatorContext, req: IncomingMessage, res: ServerResponse, segment: string): Promise<void> {
  const url = new URL(req.url ?? "/", "http://emulator");
  const params = req.method === "POST" ? new URLSearchParams(await readBody(req)) : url.searchParams;
  const userId = params.get("login_user");
  params.delete("login_user");
  const multi = MULTI_TENANT_SEGMENTS.has(segment.toLowerCase());
  const tenant = multi ? null : ctx.state.resolveTenant(segment);
  if (!multi && !tenant) return errorPage(res, 90002, `Tenant '${segment}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`);
  const clientId = (params.get("client_id") ?? "").toLowerCase();
  const app = ctx.state.apps.get(clientId);
  if (!app) return errorPage(res, 700016, `Application with identifier '${clientId}' was not found in the directory '${tenant?.displayName ?? segment}'.`);
  const redirectUri = params.get("redirect_uri") ?? "";
  if (!redirectUriRegistered(app, redirectUri)) {
    return errorPage(res, 50011, `The redirect URI '${redirectUri}' specified in the request does not match the redirect URIs configured for the application '${clientId}'.`);
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
      page(
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

// ---------------------------------------------------------------- token endpoint

type ClientAuth = { ok: true; credential: "secret" | "certificate" } | { ok: false; status: number; error: string; code: number; message: string };

async function authenticateClient(ctx: EmulatorContext, app: AppState, form: URLSearchParams, basic: { id: string; secret: string } | null, tokenUrls: string[]): Promise<ClientAuth> {
  const clientId = app.scenario.clientId;
  const secret = form.get("client_secret") ?? basic?.secret ?? null;
  const assertion = form.get("client_assertion");
  if (secret !== null) {
    const match = app.secrets.find((s) => s.value === secret);
    if (!match) {
      return {
        ok: false,
        status: 401,
        error: "invalid_client",
        code: 7000215,
        message: `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${clientId}'.`,
      };
    }
    if (match.expired) {
      return {
        ok: false,
        status: 401,
        error: "invalid_client",
        code: 7000222,
        message: `The provided client secret keys for app '${clientId}' are expired. Visit the Azure portal to create new keys for your app: https://aka.ms/NewClientSecret, or consider using certificate credentials for added security: https://aka.ms/certCreds.`,
      };
    }
    return { ok: true, credential: "secret" };
  }
  if (assertion !== null) {
    if (form.get("client_assertion_type") !== "urn:ietf:params:oauth:client-assertion-type:jwt-bearer") {
      return { ok: false, status: 400, error: "invalid_request", code: 7000219, message: "'client_assertion' or 'client_secret' is required for the 'client_credentials' grant type; client_assertion_type must be urn:ietf:params:oauth:client-assertion-type:jwt-bearer." };
    }
    let header: ReturnType<typeof decodeProtectedHeader>;
    let claims: ReturnType<typeof decodeJwt>;
    try {
      header = decodeProtectedHeader(assertion);
      claims = decodeJwt(assertion);
    } catch {
      return { ok: false, status: 401, error: "invalid_client", code: 50027, message: "JWT token is invalid or malformed." };
    }
    const s256 = header["x5t#S256"] as string | undefined;
    const cert = app.certificates.find((c) => (s256 ? c.x5tS256 === s256 : c.x5t === header.x5t));
    const presented = s256 ?? (typeof header.x5t === "string" ? header.x5t : "none");
    if (!cert) {
      return {
        ok: false,
        status: 401,
        error: "invalid_client",
        code: 700027,
        message: `The certificate with identifier used to sign the client assertion is not registered on application. [Reason - The key was not found., Thumbprint of key used by client: '${presented}', Please visit the Azure Portal, Graph Explorer or directly use MS Graph to see configured keys for app Id '${clientId}'.]`,
      };
    }
    try {
      await compactVerify(assertion, cert.publicKey, { algorithms: [s256 ? "PS256" : "RS256", "RS256", "PS256"] });
    } catch {
      return { ok: false, status: 401, error: "invalid_client", code: 700027, message: "Client assertion failed signature validation." };
    }
    if (claims.iss !== clientId || claims.sub !== clientId) {
      return { ok: false, status: 401, error: "invalid_client", code: 700021, message: "Client assertion application identifier doesn't match 'client_id' parameter." };
    }
    const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
    if (!audiences.some((a) => typeof a === "string" && tokenUrls.includes(a.toLowerCase()))) {
      return { ok: false, status: 401, error: "invalid_client", code: 700212, message: `No matching federated identity record found for presented assertion audience '${String(claims.aud)}'; the audience must be the token endpoint.` };
    }
    const now = Math.floor(ctx.state.clock() / 1000);
    if (typeof claims.exp !== "number" || claims.exp < now - 300 || (typeof claims.nbf === "number" && claims.nbf > now + 300)) {
      return { ok: false, status: 401, error: "invalid_client", code: 700024, message: "Client assertion is not within its valid time range." };
    }
    if (typeof claims.jti !== "string" || claims.jti.length === 0) {
      return { ok: false, status: 401, error: "invalid_client", code: 700023, message: "Client assertion is missing the 'jti' claim." };
    }
    // msal-node sends the same assertion again until it expires, and Entra ID accepts that;
    // what is refused is a different assertion carrying a jti already seen.
    for (const [jti, seen] of ctx.state.usedAssertionIds) if (seen.expiry < now - 600) ctx.state.usedAssertionIds.delete(jti);
    const key = `${clientId}:${claims.jti}`;
    const fingerprint = createHash("sha256").update(assertion).digest("base64url");
    const seen = ctx.state.usedAssertionIds.get(key);
    if (seen && seen.fingerprint !== fingerprint) {
      return { ok: false, status: 401, error: "invalid_client", code: 700025, message: "Client assertion contains a 'jti' that was already used by another assertion." };
    }
    ctx.state.usedAssertionIds.set(key, { expiry: claims.exp, fingerprint });
    return { ok: true, credential: "certificate" };
  }
  return { ok: false, status: 401, error: "invalid_client", code: 7000218, message: "The request body must contain the following parameter: 'client_assertion' or 'client_secret'." };
}

function parseBasic(header: string | undefined): { id: string; secret: string } | null {
  const match = /^Basic\s+(\S+)$/i.exec(header ?? "");
  if (!match) return null;
  const decoded = Buffer.from(match[1]!, "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon < 0) return null;
  return { id: decodeURIComponent(decoded.slice(0, colon)), secret: decodeURIComponent(decoded.slice(colon + 1)) };
}

// POST /{tenant}/oauth2/v2.0/token — client credentials and authorization code grants.
export async function token(ctx: EmulatorContext, req: IncomingMessage, res: ServerResponse, segment: string): Promise<void> {
  const correlationId = typeof req.headers["client-request-id"] === "string" ? req.headers["client-request-id"] : undefined;
  const fail = (status: number, error: string, code: number, message: string) => sendJson(res, status, aadErrorBody({ status, error, code, message, correlationId }, ctx.authorityHost));
  const contentType = req.headers["content-type"] ?? "";
  if (!contentType.toLowerCase().startsWith("application/x-www-form-urlencoded")) {
    return fail(400, "invalid_request", 900144, "The request body must contain the following parameter: 'grant_type'. The body must be application/x-www-form-urlencoded.");
  }
  const form = new URLSearchParams(await readBody(req));
  const multi = MULTI_TENANT_SEGMENTS.has(segment.toLowerCase());
  const tenant = ctx.state.resolveTenant(segment);
  if (!tenant && !multi) {
    return fail(
      400,
      "invalid_request",
      90002,
      `Tenant '${segment}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.`,
    );
  }
  const grantType = form.get("grant_type");
  if (!grantType) return fail(400, "invalid_request", 900144, "The request body must contain the following parameter: 'grant_type'.");
  if (grantType !== "client_credentials" && grantType !== "authorization_code") {
    return fail(400, "unsupported_grant_type", 70003, `The app requested an unsupported grant type '${grantType}'.`);
  }
  const basic = parseBasic(req.headers.authorization);
  const clientId = (form.get("client_id") ?? basic?.id ?? "").toLowerCase();
  if (!clientId) return fail(400, "invalid_request", 900144, "The request body must contain the following parameter: 'client_id'.");
  const app = ctx.state.apps.get(clientId);
  if (!app) {
    return fail(
      400,
      "unauthorized_client",
      700016,
      `Application with identifier '${clientId}' was not found in the directory '${tenant?.displayName ?? segment}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`,
    );
  }
  const tokenUrls = [segment, tenant?.id, tenant?.initialDomain, ...(tenant?.domains.map((d) => d.name) ?? [])]
    .filter((t): t is string => Boolean(t))
    .map((t) => `${ctx.authorityHost}/${t}/oauth2/v2.0/token`.toLowerCase());
  const auth = await authenticateClient(ctx, app, form, basic, tokenUrls);
  if (!auth.ok) return fail(auth.status, auth.error, auth.code, auth.message);

  if (grantType === "authorization_code") return codeGrant(ctx, res, form, app, fail);

  if (!tenant) return fail(400, "invalid_request", 50059, "No tenant-identifying information found in either the request or implied by any provided credentials.");
  const scope = form.get("scope");
  if (!scope) return fail(400, "invalid_request", 90014, "The required field 'scope' is missing from the credential. Ensure that you have all the necessary parameters for the login request.");
  const scopes = scope.split(/\s+/).filter(Boolean);
  if (scopes.length !== 1 || !scopes[0]!.endsWith("/.default")) {
    return fail(
      400,
      "invalid_scope",
      1002012,
      `The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`,
    );
  }
  const identifier = scopes[0]!.slice(0, -"/.default".length);
  const resource = resourceFromIdentifier(identifier, ctx.authorityHost);
  if (!resource) {
    return fail(
      400,
      "invalid_resource",
      500011,
      `The resource principal named ${identifier} was not found in the tenant named ${tenant.displayName}. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.`,
    );
  }
  // A tenant without Exchange Online has no Office 365 Exchange Online resource principal.
  if (resource === "exchange" && !tenant.exchange.online) {
    return fail(
      400,
      "invalid_resource",
      500011,
      `The resource principal named ${identifier} was not found in the tenant named ${tenant.displayName}. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.`,
    );
  }
  const sp = ctx.state.servicePrincipal(tenant.id, clientId);
  // The service principal is disabled in the tenant (accountEnabled false).
  // @see https://learn.microsoft.com/troubleshoot/entra/entra-id/app-integration/error-code-aadsts7000112-application-is-disabled
  if (sp?.disabled) return fail(400, "unauthorized_client", 7000112, `Application '${clientId}'(${app.scenario.displayName}) is disabled.`);
  // Conditional Access for workload identities blocks the app's service principal.
  // @see https://learn.microsoft.com/entra/identity/conditional-access/workload-identity
  // @see https://learn.microsoft.com/entra/identity-platform/reference-error-codes (AADSTS53003 BlockedByConditionalAccess)
  // `error` is interaction_required as in user flows; Microsoft's sources do not show it for client credentials.
  if (sp?.conditionalAccessBlocked) return fail(400, "interaction_required", 53003, "Access has been blocked by Conditional Access policies. The access policy does not allow token issuance.");
  const phase = sp ? ctx.state.replicationPhase(tenant, sp) : "missing";
  if (!sp || phase === "missing") {
    return fail(
      401,
      "invalid_client",
      7000229,
      `The client application ${clientId} is missing service principal in the tenant ${tenant.id}. See instructions here: https://go.microsoft.com/fwlink/?linkid=2225119`,
    );
  }
  const roles = phase === "ready" ? sp.grants[resource] : [];
  const accessToken = await issueAppToken(ctx, { tenant, app, sp, resource, roles, credential: auth.credential });
  sendJson(res, 200, { token_type: "Bearer", expires_in: ACCESS_TOKEN_LIFETIME_SECONDS, ext_expires_in: ACCESS_TOKEN_LIFETIME_SECONDS, access_token: accessToken });
}

async function codeGrant(
  ctx: EmulatorContext,
  res: ServerResponse,
  form: URLSearchParams,
  app: AppState,
  fail: (status: number, error: string, code: number, message: string) => void,
): Promise<void> {
  const code = form.get("code") ?? "";
  const entry = ctx.state.authCodes.get(code);
  ctx.state.authCodes.delete(code);
  if (!entry || entry.expiresAt < ctx.state.clock() || entry.clientId !== app.scenario.clientId) {
    return fail(400, "invalid_grant", 70008, "The provided authorization code or refresh token has expired due to inactivity, or was already redeemed. Send a new interactive authorization request for this user and resource.");
  }
  if (form.get("redirect_uri") !== entry.redirectUri) {
    return fail(400, "invalid_grant", 500112, "The reply address does not match the reply address provided when requesting the authorization code.");
  }
  if (entry.codeChallenge) {
    const verifier = form.get("code_verifier") ?? "";
    if (createHash("sha256").update(verifier).digest("base64url") !== entry.codeChallenge) {
      return fail(400, "invalid_grant", 501481, "The Code_Verifier does not match the code_challenge supplied in the authorization request.");
    }
  }
  const found = ctx.state.findPrincipal(entry.tenantId, entry.userId);
  if (!found) return fail(400, "invalid_grant", 50034, "The user account does not exist in the directory.");
  const idToken = await issueIdToken(ctx, { tenant: found.tenant, user: found.user, homeTenantId: found.home?.tenant.id, clientId: app.scenario.clientId, nonce: entry.nonce });
  const accessToken = await issueUserAccessToken(ctx, { tenant: found.tenant, user: found.user, clientId: app.scenario.clientId, scope: "User.Read openid profile email" });
  const body: Record<string, unknown> = {
    token_type: "Bearer",
    scope: "User.Read openid profile email",
    expires_in: ACCESS_TOKEN_LIFETIME_SECONDS,
    ext_expires_in: ACCESS_TOKEN_LIFETIME_SECONDS,
    access_token: accessToken,
    id_token: idToken,
  };
  if (entry.scope.split(/\s+/).includes("offline_access")) body.refresh_token = randomBytes(48).toString("base64url");
  const home = found.home ?? found;
  if (form.get("client_info") === "1") body.client_info = Buffer.from(JSON.stringify({ uid: home.user.id, utid: home.tenant.id })).toString("base64url");
  sendJson(res, 200, body);
}
