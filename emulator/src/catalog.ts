/**
 * The resources and application permissions (app roles) the emulator knows, with the
 * app role IDs Microsoft publishes for them, so appRoleAssignments look like the real
 * thing. Add an entry to model another permission.
 * @see https://learn.microsoft.com/graph/permissions-reference
 */
export const RESOURCES = {
  graph: {
    appId: "00000003-0000-0000-c000-000000000000",
    displayName: "Microsoft Graph",
    uris: ["https://graph.microsoft.com", "00000003-0000-0000-c000-000000000000"],
    roles: {
      "Organization.Read.All": "498476ce-e0fe-48b0-b801-37ba7e2685c6",
      "Domain.Read.All": "dbb9058a-0e50-45d7-ae91-66909b5d4664",
      "User.Read.All": "df021288-bdef-4463-88db-98f22de89214",
      "Directory.Read.All": "7ab1d382-f21e-4acd-a863-ba3e13f7da61",
      "Application.Read.All": "9a5d68dd-52b0-4cc2-bd40-abcf44ac3a30",
      "Mail.Read": "810c84a8-4a9e-49e6-bf7d-12d183f40d01",
      "Calendars.Read": "798ee544-9d2d-430c-a058-570e29e34338",
      "Contacts.Read": "089fe4d0-434a-44c5-8827-41ba8a0b17f5",
    } as Record<string, string>,
  },
  exchange: {
    appId: "00000002-0000-0ff1-ce00-000000000000",
    displayName: "Office 365 Exchange Online",
    uris: ["https://outlook.office365.com", "00000002-0000-0ff1-ce00-000000000000"],
    roles: {
      "Exchange.ManageAsApp": "dc50a0fb-09a3-484d-be87-e023b12c6440",
      "full_access_as_app": "dc890d15-9560-4a4c-9b7f-a736ec74ec40",
    } as Record<string, string>,
  },
} as const;

export type ResourceKey = keyof typeof RESOURCES;
export const RESOURCE_KEYS = Object.keys(RESOURCES) as ResourceKey[];

/** The resource a `scope` or `aud` names (URI or app ID, with or without a trailing slash). */
export function resourceFromIdentifier(identifier: string): ResourceKey | null {
  const normalized = identifier.replace(/\/+$/, "").toLowerCase();
  for (const key of RESOURCE_KEYS) {
    if (RESOURCES[key].uris.some((u) => u.toLowerCase() === normalized)) return key;
  }
  return null;
}

/** Directory roles an app's service principal can hold that Exchange app-only accepts. */
export const EXCHANGE_DIRECTORY_ROLES = [
  "Exchange Administrator",
  "Global Reader",
  "Global Administrator",
  "Compliance Administrator",
  "Security Reader",
  "Security Administrator",
  "Helpdesk Administrator",
  "Exchange Recipient Administrator",
];

/** Directory roles that may grant tenant-wide admin consent to application permissions. */
export const CONSENT_ADMIN_ROLES = ["Global Administrator", "Privileged Role Administrator"];

/** Graph: which application permissions let a call through (any one suffices). */
export const GRAPH_ROLE_RULES = {
  organization: ["Organization.Read.All", "Directory.Read.All"],
  domains: ["Domain.Read.All", "Directory.Read.All"],
  users: ["User.Read.All", "Directory.Read.All"],
  servicePrincipals: ["Application.Read.All", "Directory.Read.All"],
  messages: ["Mail.Read"],
  events: ["Calendars.Read"],
  contacts: ["Contacts.Read"],
} as const;
