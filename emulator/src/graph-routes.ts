import { applyFaults } from "./apply-faults";
import { graphBatch } from "./graph-batch";
import { handleGraph } from "./graph";
import { graphErrorBody, sendJson } from "./http";
import { peekClaims } from "./jws";
import type { RoutedRequest } from "./route-request";

/** The tenant a Graph request is for, read (unverified) from its bearer token, to match per-tenant faults. */
function tenantFromBearer(header: string | undefined): string | null {
  const match = /^Bearer\s+(\S+)$/i.exec(header ?? "");
  if (!match) return null;
  const tid = peekClaims(match[1]!)?.tid;
  return typeof tid === "string" ? tid : null;
}

// /v1.0/... and /beta/... — Microsoft Graph; POST /v1.0/$batch answers several requests at once.
export async function graphRoutes({ ctx, req, res, url, parts, method, random }: RoutedRequest): Promise<boolean> {
  if (parts[0] !== "v1.0" && parts[0] !== "beta") return false;
  const tenantId = tenantFromBearer(req.headers.authorization);
  if (parts[0] === "v1.0" && parts[1] === "$batch" && parts.length === 2) {
    if (method !== "POST") sendJson(res, 405, graphErrorBody("Request_BadRequest", "Use POST for $batch.", crypto.randomUUID(), crypto.randomUUID()));
    else if ((await applyFaults(ctx, "batch", tenantId, req, res, "graph", random)) === "continue") await graphBatch(ctx, req, res, tenantId, random);
    return true;
  }
  if ((await applyFaults(ctx, "graph", tenantId, req, res, "graph", random)) === "handled") return true;
  const answer = await handleGraph(ctx, {
    method,
    url: `${url.pathname}${url.search}`,
    authorization: req.headers.authorization,
    clientRequestId: typeof req.headers["client-request-id"] === "string" ? req.headers["client-request-id"] : undefined,
  });
  sendJson(res, answer.status, answer.body, answer.headers);
  return true;
}
