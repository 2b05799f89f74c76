/**
 * Application permissions as Consentry names them: a resource (the API that defines the
 * app role) and the role's value, written `Graph/Sites.Read.All`. The same value can exist
 * in two resources (Graph's and SharePoint's `Sites.FullControl.All`), so a value alone
 * never identifies a permission.
 *
 * The app's real permissions come from its registration (see `lib/permissions/registration.ts`);
 * the table below only describes the handful a default installation asks for, for the
 * fallback when the registration cannot be read.
 * @see https://learn.microsoft.com/graph/permissions-reference
 */
export type ResourceKey = "graph" | "exchange" | "sharepoint";

export const RESOURCE_KEYS: readonly ResourceKey[] = ["graph", "exchange", "sharepoint"];

/**
 * The first-party resources Consentry knows, by the appId of their service principal
 * (the `resourceAppId` of an app registration's `requiredResourceAccess`).
 * @see https://learn.microsoft.com/troubleshoot/entra/entra-id/governance/verify-first-party-apps-sign-in
 */
export const RESOURCES: Record<ResourceKey, { appId: string; label: string; prefix: string }> = {
  graph: { appId: "00000003-0000-0000-c000-000000000000", label: "Microsoft Graph", prefix: "Graph" },
  exchange: { appId: "00000002-0000-0ff1-ce00-000000000000", label: "Office 365 Exchange Online", prefix: "Exchange" },
  sharepoint: { appId: "00000003-0000-0ff1-ce00-000000000000", label: "Office 365 SharePoint Online", prefix: "SharePoint" },
};

export const RESOURCE_LABELS: Record<ResourceKey, string> = {
  graph: RESOURCES.graph.label,
  exchange: RESOURCES.exchange.label,
  sharepoint: RESOURCES.sharepoint.label,
};

export function resourceByAppId(appId: string): ResourceKey | null {
  const id = appId.toLowerCase();
  return RESOURCE_KEYS.find((k) => RESOURCES[k].appId === id) ?? null;
}

/** A permission: which resource, which app role value. */
export interface PermissionRef {
  resource: ResourceKey;
  value: string;
}

/** A permission of a permission-set version: the ref, and what the resource's service principal says about it. */
export interface PermissionEntry extends PermissionRef {
  /** The app role's id in the resource's `appRoles`; null when it could not be resolved. */
  appRoleId: string | null;
  /** Microsoft's display name and description of the app role; null when not known. */
  displayName: string | null;
  description: string | null;
}

/** `graph/Mail.Read`: a stable key for maps and comparisons. */
export function permissionKey(p: PermissionRef): string {
  return `${p.resource}/${p.value}`;
}

/** `Graph/Mail.Read`: how pages and settings write a permission. */
export function formatPermission(p: PermissionRef): string {
  return `${RESOURCES[p.resource].prefix}/${p.value}`;
}

/** App role values: letters, digits and `._-` (as Entra ID allows), never spaces or slashes. */
const ROLE_VALUE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,119}$/;

/**
 * Reads `Graph/Sites.Read.All`, `Exchange/full_access_as_app`, `SharePoint/Sites.FullControl.All`
 * (resource names in any case) or a bare `User.Read.All`, which means Microsoft Graph.
 * Returns a sentence saying what is wrong instead when it cannot.
 */
export function parsePermissionName(text: string): PermissionRef | { error: string } {
  const trimmed = text.trim();
  const slash = trimmed.indexOf("/");
  let resource: ResourceKey = "graph";
  let value = trimmed;
  if (slash >= 0) {
    const prefix = trimmed.slice(0, slash).toLowerCase();
    const found = RESOURCE_KEYS.find((k) => RESOURCES[k].prefix.toLowerCase() === prefix);
    if (!found) return { error: `"${trimmed}" names an unknown resource "${trimmed.slice(0, slash)}" (use Graph, Exchange or SharePoint)` };
    resource = found;
    value = trimmed.slice(slash + 1);
  }
  if (!ROLE_VALUE.test(value)) return { error: `"${trimmed}" is not a permission name (a role value such as Sites.Read.All)` };
  return { resource, value };
}

export interface PermissionInfo {
  /** The role value, as it appears in a token's `roles`. */
  name: string;
  resource: ResourceKey;
  appRoleId: string;
  /** What it allows, for the admin deciding whether to grant it. */
  description: string;
  /** Why the demo app asks for it (see `permission-reasons.json` for the partner's own words). */
  why: string;
}

/**
 * What Consentry knows without reading anything: the demo's permissions, with Microsoft's
 * published app role IDs. Only the fallback uses these descriptions; once the registration
 * is read, Microsoft's own `appRoles` texts replace them.
 */
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
  {
    name: "full_access_as_app",
    resource: "exchange",
    appRoleId: "dc890d15-9560-4a4c-9b7f-a736ec74ec40",
    description: "Use Exchange Web Services with full access to all mailboxes, without a signed-in user.",
    why: "The service reaches mailboxes through Exchange Web Services.",
  },
];

const BY_NAME = new Map(PERMISSIONS.map((p) => [p.name, p]));
const BY_KEY = new Map(PERMISSIONS.map((p) => [permissionKey({ resource: p.resource, value: p.name }), p]));
const BY_ROLE_ID = new Map(PERMISSIONS.map((p) => [p.appRoleId, p]));

/** @deprecated by value alone; use {@link knownPermission} with the resource. */
export function findPermission(name: string): PermissionInfo | null {
  return BY_NAME.get(name) ?? null;
}

export function knownPermission(ref: PermissionRef): PermissionInfo | null {
  return BY_KEY.get(permissionKey(ref)) ?? null;
}

export function permissionByAppRoleId(appRoleId: string): PermissionInfo | null {
  return BY_ROLE_ID.get(appRoleId.toLowerCase()) ?? null;
}

/** Roles that let an app read the organization's profile (name and domains). */
const READS_ORGANIZATION = ["Organization.Read.All", "Directory.Read.All", "Organization.ReadWrite.All"];

export function canReadOrganization(roles: readonly string[]): boolean {
  return roles.some((r) => READS_ORGANIZATION.includes(r));
}

/** The permissions the demo app and a default installation fall back to. */
export const DEFAULT_APP_PERMISSIONS = [
  "Organization.Read.All",
  "Domain.Read.All",
  "User.Read.All",
  "Application.Read.All",
  "Mail.Read",
  "Calendars.Read",
  "Contacts.Read",
  "Exchange/Exchange.ManageAsApp",
] as const;
