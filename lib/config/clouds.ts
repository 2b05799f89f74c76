import "server-only";

/** The Microsoft clouds the portal can run against, and the sandbox that stands in for them. */

export const CLOUD_NAMES = ["sandbox", "global", "usgov", "usgov-dod", "china"] as const;
export type CloudName = (typeof CLOUD_NAMES)[number];

export interface CloudEndpoints {
  name: CloudName;
  /** Where msal-node and the server talk to the identity platform (always https). */
  authorityHost: string;
  /** Microsoft Graph (https). */
  graphHost: string;
  /** Exchange Online, for the admin API (https). */
  exchangeHost: string;
  /**
   * Where a person's browser is sent for admin consent and sign-in. The same as the
   * authority host for Microsoft's clouds; the sandbox serves these pages on plain
   * http on loopback so browsers show no certificate warning.
   */
  loginHost: string;
  /** Resource identifiers for `scope=<resource>/.default` and the tokens' `aud`. */
  graphResource: string;
  exchangeResource: string;
}

/**
 * National clouds. Hosts from Microsoft's national-cloud deployment tables for the
 * identity platform, Graph and Exchange Online.
 * @see https://learn.microsoft.com/graph/deployments
 */
export const NATIONAL_CLOUDS: Record<Exclude<CloudName, "sandbox">, Omit<CloudEndpoints, "name" | "loginHost" | "graphResource" | "exchangeResource">> = {
  global: {
    authorityHost: "https://login.microsoftonline.com",
    graphHost: "https://graph.microsoft.com",
    exchangeHost: "https://outlook.office365.com",
  },
  usgov: {
    authorityHost: "https://login.microsoftonline.us",
    graphHost: "https://graph.microsoft.us",
    exchangeHost: "https://outlook.office365.us",
  },
  "usgov-dod": {
    authorityHost: "https://login.microsoftonline.us",
    graphHost: "https://dod-graph.microsoft.us",
    exchangeHost: "https://webmail.apps.mil",
  },
  china: {
    authorityHost: "https://login.partner.microsoftonline.cn",
    graphHost: "https://microsoftgraph.chinacloudapi.cn",
    exchangeHost: "https://partner.outlook.cn",
  },
};

/** A national cloud's endpoints: pages, Graph and Exchange resources live on the same hosts. */
export function nationalCloud(name: Exclude<CloudName, "sandbox">): CloudEndpoints {
  const hosts = NATIONAL_CLOUDS[name];
  return { name, ...hosts, loginHost: hosts.authorityHost, graphResource: hosts.graphHost, exchangeResource: hosts.exchangeHost };
}

/** The demo app registration and partner tenant the sandbox scenario ships with. */
export const SANDBOX_DEFAULTS = {
  clientId: "5e0c1d2a-7b3f-4c59-9a8e-0d6f2b4c8a17",
  partnerTenantId: "8d2f6a41-3c7e-4b90-a1d5-6e9f0b2c4d71",
  authorityHost: "https://127.0.0.1:3100",
} as const;
