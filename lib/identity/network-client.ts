import "server-only";

import type { INetworkModule, NetworkRequestOptions, NetworkResponse } from "@azure/msal-node";

import { TokenTransportError } from "@/lib/identity/identity-error";
import { currentRequestId } from "@/lib/log/request-context";
import { CLIENT_REQUEST_ID_HEADER } from "@/lib/log/request-id";
import { httpRequest } from "@/lib/net/http";

const TIMEOUT_MS = 30_000;

/**
 * msal-node's transport on node:https with keep-alive instead of fetch: token requests
 * for thousands of tenants are CPU-bound, and fetch costs several times more per request.
 * Behaves like msal-node's own client: JSON bodies, status and headers passed through; a failure
 * without a JSON answer is a TokenTransportError that keeps the status or says timeout/reset.
 * Within a request, the token endpoint gets the request's ID as `client-request-id`: as a header
 * (httpRequest adds it) and in place of the random one msal-node puts in the query string, so
 * both name the portal request that asked for the token.
 */
export class KeepAliveNetworkClient implements INetworkModule {
  async sendGetRequestAsync<T>(url: string, options?: NetworkRequestOptions, timeout?: number): Promise<NetworkResponse<T>> {
    return this.send<T>("GET", url, options, timeout);
  }

  async sendPostRequestAsync<T>(url: string, options?: NetworkRequestOptions): Promise<NetworkResponse<T>> {
    return this.send<T>("POST", url, options);
  }

  private async send<T>(method: "GET" | "POST", url: string, options?: NetworkRequestOptions, timeout?: number): Promise<NetworkResponse<T>> {
    let answer;
    try {
      answer = await httpRequest({ method, url: withRequestIdInQuery(url), headers: options?.headers ?? {}, body: options?.body, timeoutMs: timeout ?? TIMEOUT_MS });
    } catch (error) {
      throw TokenTransportError.from(error);
    }
    let body: T;
    try {
      body = JSON.parse(answer.text) as T;
    } catch {
      // A gateway's HTML page, an empty 503: keep the status so a diagnosis can tell an outage from the rest.
      throw new TokenTransportError("not_json", answer.status, `The identity platform at ${new URL(url).host} answered HTTP ${answer.status} without a JSON body.`);
    }
    return { headers: answer.headers, body, status: answer.status };
  }
}

/** msal-node sends its own correlation ID as `?client-request-id=`; within a request it becomes the request's. */
function withRequestIdInQuery(url: string): string {
  const requestId = currentRequestId();
  // Only that parameter's value changes: the rest of the URL stays exactly as msal-node encoded it.
  return requestId ? url.replace(QUERY_CLIENT_REQUEST_ID, `$1${requestId}`) : url;
}

const QUERY_CLIENT_REQUEST_ID = new RegExp(`([?&]${CLIENT_REQUEST_ID_HEADER}=)[^&#]*`);
