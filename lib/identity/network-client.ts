import "server-only";

import type { INetworkModule, NetworkRequestOptions, NetworkResponse } from "@azure/msal-node";

import { httpRequest } from "@/lib/net/http";

const TIMEOUT_MS = 30_000;

/**
 * msal-node's transport on node:https with keep-alive instead of fetch: token requests
 * for thousands of tenants are CPU-bound, and fetch costs several times more per request.
 * Behaves like msal-node's own client: JSON bodies, status and headers passed through.
 */
export class KeepAliveNetworkClient implements INetworkModule {
  async sendGetRequestAsync<T>(url: string, options?: NetworkRequestOptions, timeout?: number): Promise<NetworkResponse<T>> {
    return this.send<T>("GET", url, options, timeout);
  }

  async sendPostRequestAsync<T>(url: string, options?: NetworkRequestOptions): Promise<NetworkResponse<T>> {
    return this.send<T>("POST", url, options);
  }

  private async send<T>(method: "GET" | "POST", url: string, options?: NetworkRequestOptions, timeout?: number): Promise<NetworkResponse<T>> {
    const answer = await httpRequest({ method, url, headers: options?.headers ?? {}, body: options?.body, timeoutMs: timeout ?? TIMEOUT_MS });
    let body: T;
    try {
      body = JSON.parse(answer.text) as T;
    } catch {
      throw new Error(`Failed to parse response from ${new URL(url).host}: status ${answer.status}, not JSON.`);
    }
    return { headers: answer.headers, body, status: answer.status };
  }
}
