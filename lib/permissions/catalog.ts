/**
 * Every application permission Consentry knows: what it lets the app do, in words a
 * tenant admin can weigh, and why Consentry's checks need it. The app role IDs are
 * Microsoft's published ones, used to read `appRoleAssignments`.
 * @see https://learn.microsoft.com/graph/permissions-reference
 */
export type ResourceKey = "graph" | "exchange";

export interface PermissionInfo {
  /** The role value, as it appears in a token's `roles`. */
  name: string;
  resource: ResourceKey;
  appRoleId: string;
  /** What it allows, for the admin deciding whether to grant it. */
  description: string;
  /** Why the app asks for it. */
  why: string;
}

export const RESOURCE_LABELS: Record<ResourceKey, string> = {
  graph: "Microsoft Graph",
  exchange: "Office 365 Exchange Online",
};

export const PERMISSIONS: readonly PermissionInfo[] = [
  {
    name: "Organization.Read.All",
    resource: "graph",
    appRoleId: "498476ce-e0fe-48b0-b801-37ba7e2685c6",
    description: "Read your organization's profile: its name, country and verified domains.",
    why: "To show which organization was connected and to find its initial .onmicrosoft.com domain.",
  },
  {
    name: "Domain.Read.All",
    resource: "graph",
    appRoleId: "dbb9058a-0e50-45d7-ae91-66909b5d4664",
    description: "Read the list of domains in your organization.",
    why: "Exchange Online app-only calls must name the tenant by its initial domain.",
  },
  {
    name: "User.Read.All",
    resource: "graph",
    appRoleId: "df021288-bdef-4463-88db-98f22de89214",
    description: "Read the profiles of all users (names, email addresses), without signing anyone in.",
    why: "To find the mailboxes the service works with.",
  },
  {
    name: "Application.Read.All",
    resource: "graph",
    appRoleId: "9a5d68dd-52b0-4cc2-bd40-abcf44ac3a30",
    description: "Read app registrations and enterprise apps, including what was granted to them.",
    why: "To compare what you granted with what the app needs, so nothing is silently missing.",
  },
  {
    name: "Mail.Read",
    resource: "graph",
    appRoleId: "810c84a8-4a9e-49e6-bf7d-12d183f40d01",
    description: "Read mail in all mailboxes, without a signed-in user.",
    why: "The service processes mail on your behalf.",
  },
  {
    name: "Calendars.Read",
    resource: "graph",
    appRoleId: "798ee544-9d2d-430c-a058-570e29e34338",
    description: "Read events of all calendars, without a signed-in user.",
    why: "The service reads calendars on your behalf.",
  },
  {
    name: "Contacts.Read",
    resource: "graph",
    appRoleId: "089fe4d0-434a-44c5-8827-41ba8a0b17f5",
    description: "Read contacts in all mailboxes, without a signed-in user.",
    why: "The service reads contacts on your behalf.",
  },
  {
    name: "Directory.Read.All",
    resource: "graph",
    appRoleId: "7ab1d382-f21e-4acd-a863-ba3e13f7da61",
    description: "Read everything in your directory: users, groups, apps and settings.",
    why: "A broad alternative to the narrower read permissions.",
  },
  {
    name: "Exchange.ManageAsApp",
    resource: "exchange",
    appRoleId: "dc50a0fb-09a3-484d-be87-e023b12c6440",
    description: "Run Exchange Online management cmdlets as the app. It also needs a directory role (such as Exchange Administrator) to do anything.",
    why: "To read Exchange settings such as the organization configuration.",
  },
];

const BY_NAME = new Map(PERMISSIONS.map((p) => [p.name, p]));
const BY_ROLE_ID = new Map(PERMISSIONS.map((p) => [p.appRoleId, p]));

export function findPermission(name: string): PermissionInfo | null {
  return BY_NAME.get(name) ?? null;
}

export function permissionByAppRoleId(appRoleId: string): PermissionInfo | null {
  return BY_ROLE_ID.get(appRoleId.toLowerCase()) ?? null;
}

/** Roles that let an app read the organization's profile (name and domains). */
const READS_ORGANIZATION = ["Organization.Read.All", "Directory.Read.All", "Organization.ReadWrite.All"];

export function canReadOrganization(roles: readonly string[]): boolean {
  return roles.some((r) => READS_ORGANIZATION.includes(r));
}

/** The permissions the demo app and a default installation ask for. */
export const DEFAULT_APP_PERMISSIONS = [
  "Organization.Read.All",
  "Domain.Read.All",
  "User.Read.All",
  "Application.Read.All",
  "Mail.Read",
  "Calendars.Read",
  "Contacts.Read",
  "Exchange.ManageAsApp",
] as const;
