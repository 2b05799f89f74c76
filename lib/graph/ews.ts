import "server-only";

import { getConfig } from "@/lib/config";
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from "@/lib/graph/retry";
import { requestWithRetry } from "@/lib/graph/retrying-request";

export interface EwsAnswer {
  status: number | null;
  headers: Record<string, string>;
  /** The SOAP envelope as text ("" when none came). */
  xml: string;
  /** EWS's ResponseCode (`NoError`, `ErrorNonExistentMailbox`, …) or a transport error code. */
  responseCode: string | null;
  /** The MessageText or faultstring, when EWS gave one. */
  message: string | null;
  latencyMs: number;
  requestId: string | null;
}

const xmlEscape = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/**
 * The smallest EWS read: `GetFolder` of a well-known folder, IdOnly, impersonating the
 * mailbox (app-only EWS must name the mailbox it acts as).
 * @see https://learn.microsoft.com/exchange/client-developer/web-service-reference/getfolder-operation
 * @see https://learn.microsoft.com/exchange/client-developer/exchange-web-services/impersonation-and-ews-in-exchange
 */
export function buildGetFolderRequest(mailbox: string, folder: string): string {
  return [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types" xmlns:m="http://schemas.microsoft.com/exchange/services/2006/messages">',
    "<soap:Header>",
    '<t:RequestServerVersion Version="Exchange2013"/>',
    `<t:ExchangeImpersonation><t:ConnectingSID><t:SmtpAddress>${xmlEscape(mailbox)}</t:SmtpAddress></t:ConnectingSID></t:ExchangeImpersonation>`,
    "</soap:Header>",
    "<soap:Body>",
    `<m:GetFolder><m:FolderShape><t:BaseShape>IdOnly</t:BaseShape></m:FolderShape><m:FolderIds><t:DistinguishedFolderId Id="${xmlEscape(folder)}"/></m:FolderIds></m:GetFolder>`,
    "</soap:Body>",
    "</soap:Envelope>",
  ].join("");
}

/** The ResponseCode and message of a GetFolder answer (or of a SOAP fault). */
export function parseEwsResponse(xml: string): { responseCode: string | null; message: string | null } {
  // Elements may carry attributes (`<e:ResponseCode xmlns:e="…">` in SOAP fault details).
  const code = /<(?:\w+:)?ResponseCode(?:\s[^>]*)?>([^<]+)</.exec(xml)?.[1] ?? null;
  const message = /<(?:\w+:)?MessageText(?:\s[^>]*)?>([^<]*)</.exec(xml)?.[1] ?? /<faultstring[^>]*>([^<]*)</.exec(xml)?.[1] ?? null;
  return { responseCode: code, message };
}

/**
 * Sends GetFolder to Exchange Online's EWS endpoint with an app-only Exchange token,
 * anchored on the mailbox (`X-AnchorMailbox`), as Microsoft asks for impersonated calls.
 * @see https://learn.microsoft.com/exchange/client-developer/exchange-web-services/how-to-authenticate-an-ews-application-by-using-oauth
 */
export async function ewsGetFolder(accessToken: string, mailbox: string, folder: string, policy: RetryPolicy = DEFAULT_RETRY_POLICY): Promise<EwsAnswer> {
  const url = `${getConfig().cloud.exchangeHost}/EWS/Exchange.asmx`;
  const answer = await requestWithRetry(
    {
      method: "POST",
      url,
      headers: { authorization: `Bearer ${accessToken}`, "content-type": "text/xml; charset=utf-8", accept: "text/xml", "X-AnchorMailbox": `UPN:${mailbox}` },
      body: buildGetFolderRequest(mailbox, folder),
    },
    policy,
    // EWS reports errors such as ErrorNonExistentMailbox as HTTP 500 with a SOAP fault: an answer, not an outage.
    (a) => a.status === 500 && /<(?:\w+:)?Fault[\s>]/.test(a.text),
  );
  const parsed = answer.transportError ? { responseCode: answer.transportError.error.code, message: answer.transportError.error.message } : parseEwsResponse(answer.text);
  return { status: answer.status, headers: answer.headers, xml: answer.text, ...parsed, latencyMs: answer.latencyMs, requestId: answer.headers["request-id"] ?? null };
}
