import type { ServerResponse } from "node:http";

import { MULTI_TENANT_SEGMENTS, type EmulatorContext } from "./context";
import { sendAadError, sendJson } from "./http";


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
