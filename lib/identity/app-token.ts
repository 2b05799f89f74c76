import "server-only";

import { decodeJwt } from "jose";
import { z } from "zod";

import { getConfig } from "@/lib/config";
import { AppError } from "@/lib/errors";
import { IdentityError, localIdentityFailure, toIdentityFailure } from "@/lib/identity/identity-error";
import { getTenantMsalClient } from "@/lib/identity/msal-client";
import { isTenantGuid } from "@/lib/identity/tenant-id";


export type TokenResource = "graph" | "exchange" | "sharepoint";

/** The claims of an app-only token Consentry reads. */
export interface AppTokenClaims {
  tid: string;
  appid: string | null;
  roles: string[];
  oid: string | null;
  idtyp: string | null;
  appidacr: string | null;
}

export interface AppToken {
  accessToken: string;
  claims: AppTokenClaims;
  expiresOn: Date | null;
}

const claimsSchema = z.object({
  tid: z.string(),
  appid: z.string().optional(),
  roles: z.array(z.string()).optional(),
  oid: z.string().optional(),
  idtyp: z.string().optional(),
  appidacr: z.string().optional(),
});

/**
 * The resource identifier a token is asked for. SharePoint's is the tenant's own
 * SharePoint root (`https://contoso.sharepoint.com`), so each tenant has its own.
 * @see https://learn.microsoft.com/sharepoint/dev/solution-guidance/security-apponly-azuread
 */
function resourceUriOf(resource: TokenResource, sharepointRoot: string | undefined): string {
  const { cloud } = getConfig();
  if (resource === "graph") return cloud.graphResource;
  if (resource === "exchange") return cloud.exchangeResource;
  if (!sharepointRoot) throw new AppError("sharepoint_root_unknown", "A SharePoint token needs the tenant's SharePoint root site URL.");
  return new URL(sharepointRoot).origin;
}

/**
 * An app-only token for one tenant (client credentials). `fresh` skips msal-node's
 * cache: verification right after consent must see the roles Microsoft has now, not
 * a token issued before replication finished.
 * @see https://learn.microsoft.com/entra/identity-platform/v2-oauth2-client-creds-grant-flow
 */
export async function acquireAppToken(tenantId: string, resource: TokenResource, options: { fresh?: boolean; sharepointRoot?: string } = {}): Promise<AppToken> {
  if (!isTenantGuid(tenantId)) throw new AppError("invalid_tenant", `"${tenantId.slice(0, 60)}" is not a tenant ID.`);
  const config = getConfig();
  const resourceUri = resourceUriOf(resource, options.sharepointRoot);
  let result;
  try {
    const client = await getTenantMsalClient(tenantId);
    result = await client.acquireTokenByClientCredential({
      scopes: [`${resourceUri}/.default`],
      authority: `${config.cloud.authorityHost}/${tenantId.toLowerCase()}`,
      skipCache: options.fresh ?? false,
    });
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw new IdentityError(toIdentityFailure(error));
  }
  if (!result?.accessToken) throw new IdentityError(localIdentityFailure("no_token", "The token endpoint answered without a token.", 200));
  const parsed = claimsSchema.safeParse(decodeJwt(result.accessToken));
  if (!parsed.success) {
    throw new IdentityError(localIdentityFailure("invalid_token", "The access token's claims are not those of an app-only token.", 200));
  }
  const c = parsed.data;
  return {
    accessToken: result.accessToken,
    claims: { tid: c.tid.toLowerCase(), appid: c.appid ?? null, roles: c.roles ?? [], oid: c.oid ?? null, idtyp: c.idtyp ?? null, appidacr: c.appidacr ?? null },
    expiresOn: result.expiresOn ?? null,
  };
}
