import "server-only";

import { getConfig } from "@/lib/config";
import { AppError } from "@/lib/errors";
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
export async function invokeExchangeCommand(
  accessToken: string,
  tenant: string,
  cmdlet: string,
  policy: RetryPolicy = DEFAULT_RETRY_POLICY,
  parameters: Record<string, unknown> = {},
): Promise<ExchangeAnswer> {
  if (!isTenantDomain(tenant) && !isTenantGuid(tenant)) throw new AppError("invalid_tenant", `"${tenant.slice(0, 60)}" cannot address an Exchange tenant.`);
  const url = `${getConfig().cloud.exchangeHost}/adminapi/beta/${encodeURIComponent(tenant)}/InvokeCommand`;
  const answer = await requestWithRetry(
    {
      method: "POST",
      url,
      headers: { authorization: `Bearer ${accessToken}`, "content-type": "application/json", accept: "application/json", "X-AnchorMailbox": `UPN:${ANCHOR}@${tenant}` },
      body: JSON.stringify({ CmdletInput: { CmdletName: cmdlet, Parameters: parameters } }),
    },
    policy,
  );
  const body = answer.transportError ?? parseJson(answer.text);
  return { status: answer.status, headers: answer.headers, body, latencyMs: answer.latencyMs, requestId: answer.headers["request-id"] ?? null };
}

/**
 * The objects a cmdlet returned (`value` of the admin API's answer); an empty list when it found
 * nothing (a 404, or Exchange's "couldn't be found" as a 400); null when the call itself failed.
 */
export function exchangeRows(answer: ExchangeAnswer): Record<string, unknown>[] | null {
  if (answer.status === 200) {
    const value = (answer.body as { value?: unknown } | null)?.value;
    return Array.isArray(value) ? value.filter((v): v is Record<string, unknown> => typeof v === "object" && v !== null) : null;
  }
  const message = (answer.body as { error?: { message?: unknown } } | null)?.error?.message;
  if (answer.status === 404 || (answer.status === 400 && typeof message === "string" && /couldn'?t be found|could not be found/i.test(message))) return [];
  return null;
}
