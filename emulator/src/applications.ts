import { createHash } from "node:crypto";
import { z } from "zod";

import { RESOURCE_KEYS, RESOURCES, type ResourceKey } from "./catalog";
import type { EmulatorContext } from "./context";
import { guidIn } from "./guid";
import type { ScenarioTenant } from "./scenario";
import type { AppState } from "./state";

/**
 * The partner's app registration and the first-party resources' service principals, as
 * Graph answers them in the registration's home tenant:
 * - `GET /v1.0/applications(appId='…')` (Application.Read.All, Application.ReadWrite.OwnedBy,
 *   Application.ReadWrite.All or Directory.Read.All; 404 outside the home tenant, where the
 *   application object does not exist);
 * - `GET /v1.0/servicePrincipals(appId='<resource appId>')` with the resource's `appRoles`.
 * @see https://learn.microsoft.com/graph/api/application-get
 * @see https://learn.microsoft.com/graph/api/serviceprincipal-get
 */
const READS_APPLICATIONS = ["Application.Read.All", "Application.ReadWrite.OwnedBy", "Application.ReadWrite.All", "Directory.Read.All"];

type Respond = (body: unknown) => { status: number; headers: Record<string, string>; body: unknown };
type Fail = (status: number, code: string, message: string) => { status: number; headers: Record<string, string>; body: unknown };

/** A GUID derived from parts, so an object keeps its id for the whole run. */
function stableGuid(...parts: string[]): string {
  const h = createHash("sha256").update(parts.join("|")).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

const DAY = 86_400_000;

/** Credential end dates as the registration lists them: certificates' real `notAfter`; secrets by `expiresInDays` (or expired a day ago). */
function credentialsOf(app: AppState, now: number) {
  const started = new Date(now - 30 * DAY).toISOString();
  return {
    keyCredentials: app.certificates.map((c) => ({
      customKeyIdentifier: c.thumbprintSha1Hex.toUpperCase(),
      displayName: `CN=${c.id}`,
      endDateTime: c.notAfter.toISOString(),
      keyId: stableGuid(app.scenario.clientId, "cert", c.id),
      startDateTime: started,
      type: "AsymmetricX509Cert",
      usage: "Verify",
    })),
    passwordCredentials: app.secrets.map((s) => {
      const days = app.scenario.secrets.find((x) => x.id === s.id)?.expiresInDays;
      const end = s.expired ? now - DAY : now + (days ?? 365) * DAY;
      return { displayName: s.id, endDateTime: new Date(end).toISOString(), hint: s.value.slice(0, 3), keyId: stableGuid(app.scenario.clientId, "secret", s.id), startDateTime: started };
    }),
  };
}

/** Answers the two requests above, or null when the path is another one. */
export function answerRegistrationRequest(ctx: EmulatorContext, tenant: ScenarioTenant, roles: ReadonlySet<string>, firstSegment: string | undefined, rest: string[], query: URLSearchParams, ok: Respond, error: Fail) {
  const select = (item: Record<string, unknown>) => {
    const raw = query.get("$select");
    if (!raw) return item;
    const wanted = new Set(raw.split(",").map((s) => s.trim()));
    return Object.fromEntries(Object.entries(item).filter(([k]) => wanted.has(k)));
  };
  const denied = () => error(403, "Authorization_RequestDenied", "Insufficient privileges to complete the operation.");
  const applicationAppId = guidIn("applications(appId='{guid}')", firstSegment ?? "");
  if (applicationAppId && rest.length === 0) {
    if (!READS_APPLICATIONS.some((r) => roles.has(r))) return denied();
    const app = ctx.state.apps.get(applicationAppId.toLowerCase());
    if (!app || app.scenario.homeTenantId !== tenant.id) {
      return error(404, "Request_ResourceNotFound", `Resource '${applicationAppId}' does not exist or one of its queried reference-property objects are not present.`);
    }
    const body = {
      id: stableGuid(app.scenario.clientId, "application"),
      appId: app.scenario.clientId,
      displayName: app.scenario.displayName,
      signInAudience: "AzureADMultipleOrgs",
      publisherDomain: tenant.initialDomain,
      requiredResourceAccess: app.scenario.requiredResourceAccess
        .filter((g) => g.roles.length > 0)
        .map((g) => ({ resourceAppId: RESOURCES[g.resource].appId, resourceAccess: g.roles.map((role) => ({ id: RESOURCES[g.resource].roles[role]!.id, type: "Role" })) })),
      ...credentialsOf(app, ctx.state.clock()),
      web: { redirectUris: app.scenario.redirectUris, homePageUrl: null, logoutUrl: null },
    };
    return ok({ "@odata.context": `${ctx.graphHost}/v1.0/$metadata#applications/$entity`, ...select(body) });
  }
  const principalAppId = guidIn("servicePrincipals(appId='{guid}')", firstSegment ?? "");
  const resource = principalAppId ? RESOURCE_KEYS.find((k) => RESOURCES[k].appId === principalAppId.toLowerCase()) : undefined;
  if (resource && rest.length === 0) {
    if (!READS_APPLICATIONS.some((r) => roles.has(r))) return denied();
    const body = {
      id: ctx.state.resourceServicePrincipalId(tenant.id, resource),
      appId: RESOURCES[resource].appId,
      displayName: RESOURCES[resource].displayName,
      servicePrincipalType: "Application",
      appOwnerOrganizationId: "f8cdef31-a31e-4b4a-93e4-5f571e91255a",
      appRoles: Object.entries(RESOURCES[resource].roles).map(([value, role]) => ({
        allowedMemberTypes: ["Application"],
        description: role.description,
        displayName: role.displayName,
        id: role.id,
        isEnabled: true,
        origin: "Application",
        value,
      })),
    };
    return ok({ "@odata.context": `${ctx.graphHost}/v1.0/$metadata#servicePrincipals/$entity`, ...select(body) });
  }
  return null;
}

export const addPermissionSchema = z.object({
  resource: z.enum(RESOURCE_KEYS as [ResourceKey, ...ResourceKey[]]),
  role: z.string().min(1),
});

/**
 * `POST /_emulator/apps/{clientId}/requiredResourceAccess` `{"resource","role"}`: the
 * partner adds an application permission to the registration (as in the Entra admin
 * center). Tenants that consented before do not get it until an admin consents again.
 */
export function addRequiredPermission(app: AppState, body: unknown): { status: number; body: unknown } {
  const parsed = addPermissionSchema.safeParse(body);
  if (!parsed.success) return { status: 422, body: { error: "invalid", issues: parsed.error.issues.map((i) => ({ path: i.path.join("."), message: i.message })) } };
  const { resource, role } = parsed.data;
  if (!(role in RESOURCES[resource].roles)) {
    return { status: 422, body: { error: "invalid", issues: [{ path: "role", message: `is not a known ${resource} permission; known: ${Object.keys(RESOURCES[resource].roles).join(", ")}` }] } };
  }
  const list = app.scenario.requiredResourceAccess;
  const grant = list.find((g) => g.resource === resource);
  if (grant) grant.roles = [...new Set([...grant.roles, role])].sort();
  else list.push({ resource, roles: [role] });
  return { status: 200, body: { clientId: app.scenario.clientId, requiredResourceAccess: list } };
}

/** `DELETE /_emulator/apps/{clientId}/requiredResourceAccess` `{"resource","role"}`: the partner removes a permission again. */
export function removeRequiredPermission(app: AppState, body: unknown): { status: number; body: unknown } {
  const parsed = addPermissionSchema.safeParse(body);
  if (!parsed.success) return { status: 422, body: { error: "invalid", issues: parsed.error.issues.map((i) => ({ path: i.path.join("."), message: i.message })) } };
  const grant = app.scenario.requiredResourceAccess.find((g) => g.resource === parsed.data.resource);
  if (!grant?.roles.includes(parsed.data.role)) return { status: 404, body: { error: "not_found", message: `${parsed.data.resource}/${parsed.data.role} is not configured.` } };
  grant.roles = grant.roles.filter((r) => r !== parsed.data.role);
  return { status: 200, body: { clientId: app.scenario.clientId, requiredResourceAccess: app.scenario.requiredResourceAccess } };
}
