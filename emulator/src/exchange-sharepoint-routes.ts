import { applyFaults } from "./apply-faults";
import { ewsRequest } from "./ews";
import { invokeCommand } from "./exchange";
import { sendJson } from "./http";
import type { RoutedRequest } from "./route-request";
import { sharepointWeb } from "./sharepoint";

/** The Exchange Online admin API, Exchange Web Services and SharePoint Online REST. */
export async function exchangeSharePointRoutes({ ctx, req, res, url, parts, method, random }: RoutedRequest): Promise<boolean> {
  // POST /adminapi/beta/{tenant}/InvokeCommand — the Exchange Online admin API
  if (parts[0] === "adminapi" && parts[1] === "beta" && parts[3] === "InvokeCommand" && parts.length === 4) {
    if (method !== "POST") {
      sendJson(res, 405, { error: { code: "MethodNotAllowed", message: "Use POST." } });
      return true;
    }
    const addressed = ctx.state.resolveTenant(parts[2]!);
    if ((await applyFaults(ctx, "exchange", addressed?.id ?? null, req, res, "graph", random)) === "continue") await invokeCommand(ctx, req, res, parts[2]!, random);
    return true;
  }
  // POST /EWS/Exchange.asmx — Exchange Web Services (SOAP)
  if (parts.length === 2 && parts[0]!.toLowerCase() === "ews" && parts[1]!.toLowerCase() === "exchange.asmx") {
    if (method !== "POST") sendJson(res, 405, { error: { code: "MethodNotAllowed", message: "Use POST." } });
    else await ewsRequest(ctx, req, res);
    return true;
  }
  // GET /_api/web — SharePoint Online REST
  if (parts.length === 2 && parts[0] === "_api" && parts[1] === "web" && method === "GET") {
    sharepointWeb(ctx, req, res, url.searchParams);
    return true;
  }
  return false;
}
