import "server-only";

import { getConfig } from "@/lib/config";
import { isTenantDomain, isTenantGuid } from "@/lib/identity/tenant-id";
import { httpRequest, parseJson, transportErrorBody } from "@/lib/net/http";
import { backoffWithJitterMs, DEFAULT_RETRY_POLICY, retryAfterMs, type RetryPolicy } from "@/lib/graph/retry";

export interface ExchangeAnswer {
  status: number | null;
  headers: Record<string, string>;
  body: unknown;
  latencyMs: number;
  requestId: string | null;
}

/** The arbitration mailbox the Exchange admin API routes app-only calls by. */
const ANCHOR = "SystemMailbox{bb558c35-97f1-4cb9-8ff7-d53741dc928c}";

/**
 * Runs one cmdlet through the Exchange Online admin API (the REST endpoint behind
 * Exchange Online PowerShell v3), addressing the tenant as given — its initial
 * .onmicrosoft.com domain is the reliable choice. Retry-After and 5xx are honoured.
 */
export async function invokeExchangeCommand(accessToken: string, tenant: string, cmdlet: string, policy: RetryPolicy = DEFAULT_RETRY_POLICY): Promise<ExchangeAnswer> {
  if (!isTenantDomain(tenant) && !isTenantGuid(tenant)) throw new Error(`"${tenant.slice(0, 60)}" cannot address an Exchange tenant.`);
  const url = `${getConfig().cloud.exchangeHost}/adminapi/beta/${encodeURIComponent(tenant)}/InvokeCommand`;
  let throttles = 0;
  let errors = 0;
  for (;;) {
    const started = performance.now();
    let status: number | null = null;
    let headers: Record<string, string> = {};
    let body: unknown;
    try {
      const response = await httpRequest({
        method: "POST",
        url,
        headers: { authorization: `Bearer ${accessToken}`, "content-type": "application/json", accept: "application/json", "X-AnchorMailbox": `UPN:${ANCHOR}@${tenant}` },
        body: JSON.stringify({ CmdletInput: { CmdletName: cmdlet, Parameters: {} } }),
        timeoutMs: policy.timeoutMs,
      });
      status = response.status;
      headers = response.headers;
      body = parseJson(response.text);
    } catch (error) {
      body = transportErrorBody(error);
    }
    const latencyMs = performance.now() - started;
    if (status === 429 && throttles < policy.maxThrottleRetries) {
      throttles++;
      await policy.sleep(retryAfterMs(headers["retry-after"]) ?? 1000);
      continue;
    }
    if ((status === null || status >= 500) && errors < policy.maxErrorRetries) {
      errors++;
      await policy.sleep(backoffWithJitterMs(errors, policy.random));
      continue;
    }
    return { status, headers, body, latencyMs, requestId: headers["request-id"] ?? null };
  }
}
