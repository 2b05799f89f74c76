import "server-only";

import { getConfig } from "@/lib/config";
import { parseJson } from "@/lib/net/http";
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from "@/lib/graph/retry";
import { requestWithRetry } from "@/lib/graph/retrying-request";

export interface SharePointAnswer {
  status: number | null;
  headers: Record<string, string>;
  /** JSON body; SharePoint's `odata.error` on failures, or a transport error in Graph's shape. */
  body: unknown;
  latencyMs: number;
  requestId: string | null;
}

/**
 * The tenant's SharePoint root site URL. The sandbox plays every tenant's SharePoint on its
 * own origin. Elsewhere: the origin of Graph's /sites/root `webUrl` when a probe learned it;
 * in the global cloud, otherwise, `https://<name>.sharepoint.com` from the initial
 * `<name>.onmicrosoft.com` domain (the name a tenant's SharePoint gets at sign-up; a renamed
 * tenant is told by /sites/root). Null when nothing tells it.
 * @see https://learn.microsoft.com/graph/api/site-get
 */
export function sharepointRootFor(initialDomain: string | null, learnedRoot: string | null = null): string | null {
  const { cloud } = getConfig();
  if (cloud.name === "sandbox") return cloud.authorityHost.replace(/\/+$/, "");
  if (learnedRoot) return new URL(learnedRoot).origin;
  const match = initialDomain ? /^([a-z0-9-]+)\.onmicrosoft\.com$/i.exec(initialDomain) : null;
  return cloud.name === "global" && match ? `https://${match[1]!.toLowerCase()}.sharepoint.com` : null;
}

/**
 * GET on SharePoint's REST API (`/_api/...`) with an app-only token for that SharePoint,
 * answered as JSON without metadata.
 * @see https://learn.microsoft.com/sharepoint/dev/sp-add-ins/get-to-know-the-sharepoint-rest-service
 */
export async function sharepointGet(accessToken: string, siteUrl: string, path: string, policy: RetryPolicy = DEFAULT_RETRY_POLICY): Promise<SharePointAnswer> {
  const url = `${siteUrl.replace(/\/+$/, "")}${path.startsWith("/") ? path : `/${path}`}`;
  const answer = await requestWithRetry({ method: "GET", url, headers: { authorization: `Bearer ${accessToken}`, accept: "application/json;odata=nometadata" } }, policy);
  const body = answer.transportError ?? parseJson(answer.text);
  return { status: answer.status, headers: answer.headers, body, latencyMs: answer.latencyMs, requestId: answer.headers["request-id"] ?? answer.headers["sprequestguid"] ?? null };
}
