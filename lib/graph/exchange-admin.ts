import "server-only";

import { getConfig } from "@/lib/config";
import { isTenantDomain, isTenantGuid } from "@/lib/identity/tenant-id";
import { parseJson } from "@/lib/net/http";
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from "@/lib/graph/retry";
import { requestWithRetry } from "@/lib/graph/retrying-request";

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
  const answer = await requestWithRetry(
    {
      method: "POST",
      url,
      headers: { authorization: `Bearer ${accessToken}`, "content-type": "application/json", accept: "application/json", "X-AnchorMailbox": `UPN:${ANCHOR}@${tenant}` },
      body: JSON.stringify({ CmdletInput: { CmdletName: cmdlet, Parameters: {} } }),
    },
    policy,
  );
  const body = answer.transportError ?? parseJson(answer.text);
  return { status: answer.status, headers: answer.headers, body, latencyMs: answer.latencyMs, requestId: answer.headers["request-id"] ?? null };
}
