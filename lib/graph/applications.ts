import "server-only";

import { z } from "zod";

import { graphGet, type GraphResult } from "@/lib/graph/graph-client";
import { GUID_PATTERN } from "@/lib/identity/tenant-id";

/**
 * The partner's own app registration and the first-party resources' app roles, read
 * from Microsoft Graph with an app-only token of the partner tenant (the registration's
 * home). Both need the application permission Application.Read.All granted to the app
 * in that tenant.
 */

const guid = z.string().regex(GUID_PATTERN);

// `type: "Role"` is an application permission (app role); "Scope" a delegated one.
// @see https://learn.microsoft.com/graph/api/resources/requiredresourceaccess
const applicationSchema = z.object({
  id: z.string(),
  appId: guid,
  displayName: z.string().nullable().optional(),
  requiredResourceAccess: z
    .array(z.object({ resourceAppId: guid, resourceAccess: z.array(z.object({ id: guid, type: z.string() })) }))
    .default([]),
  // @see https://learn.microsoft.com/graph/api/resources/keycredential and .../passwordcredential
  keyCredentials: z
    .array(z.object({ keyId: z.string().nullable().optional(), displayName: z.string().nullable().optional(), endDateTime: z.string().nullable().optional(), type: z.string().nullable().optional() }))
    .default([]),
  passwordCredentials: z
    .array(z.object({ keyId: z.string().nullable().optional(), displayName: z.string().nullable().optional(), endDateTime: z.string().nullable().optional(), hint: z.string().nullable().optional() }))
    .default([]),
  web: z.object({ redirectUris: z.array(z.string()).default([]) }).nullable().optional(),
});

export interface AppRegistration {
  objectId: string;
  appId: string;
  displayName: string | null;
  /** Application permissions (app role IDs) per resource appId; delegated scopes are left out. */
  requiredAppRoles: { resourceAppId: string; appRoleIds: string[] }[];
  credentials: { kind: "certificate" | "secret"; keyId: string | null; displayName: string | null; endDateTime: string | null }[];
  redirectUris: string[];
}

/**
 * GET /applications(appId='…') in the partner tenant.
 * @see https://learn.microsoft.com/graph/api/application-get (Application: Application.Read.All least privileged; the appId alternate key)
 */
export async function readAppRegistration(accessToken: string, clientId: string): Promise<GraphResult<AppRegistration>> {
  const path = `/applications(appId='${encodeURIComponent(clientId)}')?$select=id,appId,displayName,requiredResourceAccess,keyCredentials,passwordCredentials,web`;
  const answer = await graphGet(accessToken, path, applicationSchema);
  if (!answer.ok) return answer;
  const app = answer.data;
  return {
    ...answer,
    data: {
      objectId: app.id,
      appId: app.appId.toLowerCase(),
      displayName: app.displayName ?? null,
      requiredAppRoles: app.requiredResourceAccess.map((r) => ({
        resourceAppId: r.resourceAppId.toLowerCase(),
        appRoleIds: r.resourceAccess.filter((a) => a.type === "Role").map((a) => a.id.toLowerCase()),
      })),
      credentials: [
        ...app.keyCredentials.map((k) => ({ kind: "certificate" as const, keyId: k.keyId ?? null, displayName: k.displayName ?? null, endDateTime: k.endDateTime ?? null })),
        ...app.passwordCredentials.map((p) => ({ kind: "secret" as const, keyId: p.keyId ?? null, displayName: p.displayName ?? null, endDateTime: p.endDateTime ?? null })),
      ],
      redirectUris: app.web?.redirectUris ?? [],
    },
  };
}

// @see https://learn.microsoft.com/graph/api/resources/approle
const servicePrincipalSchema = z.object({
  appId: guid,
  displayName: z.string().nullable().optional(),
  appRoles: z
    .array(
      z.object({
        id: guid,
        value: z.string().nullable().optional(),
        displayName: z.string().nullable().optional(),
        description: z.string().nullable().optional(),
        allowedMemberTypes: z.array(z.string()).default([]),
      }),
    )
    .default([]),
});

export interface ResourceAppRole {
  id: string;
  value: string;
  displayName: string | null;
  description: string | null;
}

/**
 * A resource's application permissions, from its service principal's `appRoles`.
 * @see https://learn.microsoft.com/graph/api/serviceprincipal-get (the appId alternate key; Application.Read.All)
 * @see https://learn.microsoft.com/graph/permissions-reference (reads Graph's own this way)
 */
export async function readResourceAppRoles(accessToken: string, resourceAppId: string): Promise<GraphResult<{ appId: string; displayName: string | null; appRoles: ResourceAppRole[] }>> {
  const answer = await graphGet(accessToken, `/servicePrincipals(appId='${encodeURIComponent(resourceAppId)}')?$select=appId,displayName,appRoles`, servicePrincipalSchema);
  if (!answer.ok) return answer;
  return {
    ...answer,
    data: {
      appId: answer.data.appId.toLowerCase(),
      displayName: answer.data.displayName ?? null,
      appRoles: answer.data.appRoles
        .filter((r) => r.value && (r.allowedMemberTypes.length === 0 || r.allowedMemberTypes.includes("Application")))
        .map((r) => ({ id: r.id.toLowerCase(), value: r.value!, displayName: r.displayName ?? null, description: r.description ?? null })),
    },
  };
}
