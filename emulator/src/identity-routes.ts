import { adminConsent } from "./admin-consent";
import { applyFaults } from "./apply-faults";
import { authorize } from "./authorize";
import { instanceDiscovery, jwks, openIdConfiguration } from "./openid-configuration";
import type { RoutedRequest } from "./route-request";
import type { Fault } from "./scenario";
import { tokenEndpoint } from "./token-endpoint";

/** The identity platform: discovery, keys, admin consent, sign-in and the token endpoint, under /{tenant}/. */
export async function identityRoutes({ ctx, req, res, parts, method, random }: RoutedRequest): Promise<boolean> {
  /** Answers unless a fault drawn for `endpoint` already has. */
  const answer = async (endpoint: Fault["endpoint"], tenantId: string | null, handler: () => unknown): Promise<true> => {
    if ((await applyFaults(ctx, endpoint, tenantId, req, res, "aad", random)) === "continue") await handler();
    return true;
  };
  // GET /common/discovery/instance — instance discovery
  if (parts[0] === "common" && parts[1] === "discovery" && parts[2] === "instance") return answer("metadata", null, () => instanceDiscovery(ctx, res));
  if (parts.length < 2) return false;
  const segment = parts[0]!;
  const rest = parts.slice(1).join("/");
  const tenantId = ctx.state.resolveTenant(segment)?.id ?? null;
  if (method === "GET" && (rest === "v2.0/.well-known/openid-configuration" || rest === ".well-known/openid-configuration")) {
    return answer("metadata", tenantId, () => openIdConfiguration(ctx, res, segment, rest.startsWith("v2.0") ? "v2" : "v1"));
  }
  if (method === "GET" && (rest === "discovery/v2.0/keys" || rest === "discovery/keys")) {
    jwks(ctx, res);
    return true;
  }
  if ((method === "GET" || method === "POST") && (rest === "adminconsent" || rest === "v2.0/adminconsent")) {
    return answer("consent", tenantId, () => adminConsent(ctx, req, res, segment, rest === "adminconsent" ? "v1" : "v2"));
  }
  if ((method === "GET" || method === "POST") && rest === "oauth2/v2.0/authorize") return answer("authorize", tenantId, () => authorize(ctx, req, res, segment));
  if (method === "POST" && rest === "oauth2/v2.0/token") return answer("token", tenantId, () => tokenEndpoint(ctx, req, res, segment));
  return false;
}
