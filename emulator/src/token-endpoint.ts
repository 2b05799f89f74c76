import { createHash, randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";

import { authenticateClient, parseBasic } from "./authenticate-client";
import { resourceFromIdentifier } from "./catalog";
import { MULTI_TENANT_SEGMENTS, type EmulatorContext } from "./context";
import { aadErrorBody, readBody, sendJson } from "./http";
import type { AppState } from "./state";
import { ACCESS_TOKEN_LIFETIME_SECONDS, issueAppToken, issueIdToken, issueUserAccessToken } from "./tokens";

// POST /{tenant}/oauth2/v2.0/token — client credentials and authorization code grants.
export async function tokenEndpoint(ctx: EmulatorContext, req: IncomingMessage, res: ServerResponse, segment: string): Promise<void> {
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
