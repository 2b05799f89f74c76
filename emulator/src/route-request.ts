import type { IncomingMessage, ServerResponse } from "node:http";

import type { EmulatorContext } from "./context";
import { controlRoutes } from "./control-routes";
import { exchangeSharePointRoutes } from "./exchange-sharepoint-routes";
import { graphRoutes } from "./graph-routes";
import { sendJson } from "./http";
import { identityRoutes } from "./identity-routes";

/** One request as a route family sees it: the path split into decoded segments. */
export interface RoutedRequest {
  ctx: EmulatorContext;
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  parts: string[];
  method: string;
  /** Random source for fault rates. */
  random: () => number;
}

/** Counts the request by kind, then hands it to the first route family that answers it; 404 otherwise. */
export async function routeRequest(ctx: EmulatorContext, req: IncomingMessage, res: ServerResponse, random: () => number): Promise<void> {
  const url = new URL(req.url ?? "/", "http://emulator");
  const kind = url.pathname.includes("openid-configuration") ? "metadata" : url.pathname.endsWith("/token") ? "token" : url.pathname.includes("$batch") ? "batch" : url.pathname.includes("InvokeCommand") ? "exchange" : url.pathname.startsWith("/_emulator") ? "control" : "other";
  ctx.state.requestCounts.set(kind, (ctx.state.requestCounts.get(kind) ?? 0) + 1);
  const parts = url.pathname.split("/").filter(Boolean).map(decodeURIComponent);
  const method = req.method ?? "GET";

  if (parts[0] === "_emulator") return controlRoutes(ctx, req, res, parts.slice(1));

  const request: RoutedRequest = { ctx, req, res, url, parts, method, random };
  if ((await graphRoutes(request)) || (await exchangeSharePointRoutes(request)) || (await identityRoutes(request))) return;
  sendJson(res, 404, { error: "not_found", error_description: `The sandbox cloud has no endpoint ${method} ${url.pathname}.` });
}
