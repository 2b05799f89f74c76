/** An application permission as the resource's service principal publishes it in `appRoles`. */
export interface AppRoleInfo {
  /** Microsoft's published app role ID (the same in every tenant). */
  id: string;
  /** The admin-consent display text (`appRoles[].displayName`). */
  displayName: string;
  /** The admin-consent description (`appRoles[].description`). */
  description: string;
}

/**
 * The resources and application permissions (app roles) the emulator knows, keyed by role
 * value, with the IDs, display texts and descriptions Microsoft publishes in each resource
 * service principal's `appRoles`, so appRoleAssignments and consent pages look like the
 * real thing. Texts are copied verbatim (including Microsoft's own typos and spacing).
 * Add an entry to model another permission.
 * @see https://learn.microsoft.com/graph/permissions-reference
 * @see https://learn.microsoft.com/exchange/client-developer/exchange-web-services/how-to-authenticate-an-ews-application-by-using-oauth
 * SharePoint's own roles: Learn's "SharePoint Embedded authentication and authorization" article
 * names Sites.FullControl.All 678536fe-…; the other ID and texts are the appRoles of the
 * Office 365 SharePoint Online service principal (00000003-0000-0ff1-ce00-000000000000).
 */
export const RESOURCES = {
  graph: {
    appId: "00000003-0000-0000-c000-000000000000",
    displayName: "Microsoft Graph",
    uris: ["https://graph.microsoft.com", "00000003-0000-0000-c000-000000000000"],
    roles: {
      "AccessReview.Read.All": { id: "d07a8cc0-3d51-4b77-b3b0-32704d1f69fa", displayName: "Read all access reviews", description: "Allows the app to read access reviews, reviewers, decisions and settings in the organization, without a signed-in user." },
      "AdministrativeUnit.Read.All": { id: "134fd756-38ce-4afd-ba33-e9623dbe66c2", displayName: "Read all administrative units", description: "Allows the app to read administrative units and administrative unit membership without a signed-in user." },
      "Agreement.Read.All": { id: "2f3e6f8c-093b-4c57-a58b-ba5ce494a169", displayName: "Read all terms of use agreements", description: "Allows the app to read terms of use agreements, without a signed in user." },
      "AppCatalog.Read.All": { id: "e12dae10-5a57-4817-b79d-dfbec5348930", displayName: "Read all app catalogs", description: "Allows the app to read apps in the app catalogs without a signed-in user." },
      "Application.Read.All": { id: "9a5d68dd-52b0-4cc2-bd40-abcf44ac3a30", displayName: "Read all applications", description: "Allows the app to read all applications and service principals without a signed-in user." },
      "AttackSimulation.Read.All": { id: "93283d0a-6322-4fa8-966b-8c121624760d", displayName: "Read attack simulation data of an organization", description: "Allows the app to read attack simulation and training data for an organization without a signed-in user." },
      "AuditLog.Read.All": { id: "b0afded3-3588-46d8-8b3d-9842eff778da", displayName: "Read all audit log data", description: "Allows the app to read and query your audit log activities, without a signed-in user." },
      "Calendars.Read": { id: "798ee544-9d2d-430c-a058-570e29e34338", displayName: "Read calendars in all mailboxes", description: "Allows the app to read events of all calendars without a signed-in user." },
      "Channel.Create": { id: "f3a65bd4-b703-46df-8f7e-0174fea562aa", displayName: "Create channels", description: "Create channels in any team, without a signed-in user." },
      "Channel.ReadBasic.All": { id: "59a6b24b-4225-4393-8165-ebaec5f55d7a", displayName: "Read the names and descriptions  of all channels", description: "Read all channel names and channel descriptions, without a signed-in user." },
      "ChannelMember.Read.All": { id: "3b55498e-47ec-484f-8136-9013221c06a9", displayName: "Read the members of all channels", description: "Read the members of all channels, without a signed-in user." },
      "ChannelMessage.Read.All": { id: "7b2449af-6ccd-4f4d-9f78-e550c193f0d1", displayName: "Read all channel messages", description: "Allows the app to read all channel messages in Microsoft Teams" },
      "Chat.Create": { id: "d9c48af6-9ad9-47ad-82c3-63757137b9af", displayName: "Create chats", description: "Allows the app to create chats without a signed-in user." },
      "Chat.Read.All": { id: "6b7d71aa-70aa-4810-a8d9-5d9fb2830017", displayName: "Read all chat messages", description: "Allows the app to read all 1-to-1 or group chat messages in Microsoft Teams." },
      "Chat.ReadBasic.All": { id: "b2e060da-3baf-4687-9611-f4ebc0f0cbde", displayName: "Read names and members of all chat threads", description: "Read names and members of all one-to-one and group chats in Microsoft Teams, without a signed-in user." },
      "Contacts.Read": { id: "089fe4d0-434a-44c5-8827-41ba8a0b17f5", displayName: "Read contacts in all mailboxes", description: "Allows the app to read all contacts in all mailboxes without a signed-in user." },
      "Device.Read.All": { id: "7438b122-aefc-4978-80ed-43db9fcc7715", displayName: "Read all devices", description: "Allows the app to read your organization's devices' configuration information without a signed-in user." },
      "DeviceManagementApps.Read.All": { id: "7a6ee1e7-141e-4cec-ae74-d9db155731ff", displayName: "Read Microsoft Intune apps", description: "Allows the app to read the properties, group assignments and status of apps, app configurations and app protection policies managed by Microsoft Intune, without a signed-in user." },
      "DeviceManagementConfiguration.Read.All": { id: "dc377aa6-52d8-4e23-b271-2a7ae04cedf3", displayName: "Read Microsoft Intune device configuration and policies", description: "Allows the app to read properties of Microsoft Intune-managed device configuration and device compliance policies and their assignment to groups, without a signed-in user." },
      "DeviceManagementManagedDevices.Read.All": { id: "2f51be20-0bb4-4fed-bf7b-db946066c75e", displayName: "Read Microsoft Intune devices", description: "Allows the app to read the properties of devices managed by Microsoft Intune, without a signed-in user." },
      "DeviceManagementRBAC.Read.All": { id: "58ca0d9a-1575-47e1-a3cb-007ef2e4583b", displayName: "Read Microsoft Intune RBAC settings", description: "Allows the app to read the properties relating to the Microsoft Intune Role-Based Access Control (RBAC) settings, without a signed-in user." },
      "Directory.Read.All": { id: "7ab1d382-f21e-4acd-a863-ba3e13f7da61", displayName: "Read directory data", description: "Allows the app to read data in your organization's directory, such as users, groups and apps, without a signed-in user." },
      "Domain.Read.All": { id: "dbb9058a-0e50-45d7-ae91-66909b5d4664", displayName: "Read domains", description: "Allows the app to read all domain properties without a signed-in user." },
      "Files.Read.All": { id: "01d4889c-1287-42c6-ac1f-5d1e02578ef6", displayName: "Read files in all site collections", description: "Allows the app to read all files in all site collections without a signed in user." },
      "Group.Create": { id: "bf7b1a76-6e77-406b-b258-bf5c7720e98f", displayName: "Create groups", description: "Allows the app to create groups without a signed-in user." },
      "Group.Read.All": { id: "5b567255-7703-4780-807c-7be8301ae99b", displayName: "Read all groups", description: "Allows the app to read group properties and memberships, and read\u00a0conversations for all groups, without a signed-in user." },
      "GroupMember.Read.All": { id: "98830695-27a2-44f7-8c18-0c3ebc9698f6", displayName: "Read all group memberships", description: "Allows the app to read memberships and basic group properties for all groups without a signed-in user." },
      "IdentityRiskEvent.Read.All": { id: "6e472fd1-ad78-48da-a0f0-97ab2c6b769e", displayName: "Read all identity risk event information", description: "Allows the app to read the identity risk event information for your organization without a signed in user." },
      "IdentityRiskyUser.Read.All": { id: "dc5007c0-2d7d-4c42-879c-2dab87571379", displayName: "Read all identity risky user information", description: "Allows the app to read the identity risky user information for your organization without a signed in user." },
      "Mail.Read": { id: "810c84a8-4a9e-49e6-bf7d-12d183f40d01", displayName: "Read mail in all mailboxes", description: "Allows the app to read mail in all mailboxes without a signed-in user." },
      "Mail.ReadBasic.All": { id: "693c5e45-0940-467d-9b8a-1022fb9d42ef", displayName: "Read basic mail in all mailboxes", description: "Allows the app to read basic mail properties in all mailboxes without a signed-in user. Includes all properties except body, previewBody, attachments and any extended properties." },
      "Mail.Send": { id: "b633e1c5-b582-4048-a93e-9f11b44c7e96", displayName: "Send mail as any user", description: "Allows the app to send mail as any user without a signed-in user." },
      "MailboxSettings.Read": { id: "40f97065-369a-49f4-947c-6a255697ae91", displayName: "Read all user mailbox settings", description: "Allows the app to read user's mailbox settings without a signed-in user. Does not include permission to send mail." },
      "OrgContact.Read.All": { id: "e1a88a34-94c4-4418-be12-c87b00e26bea", displayName: "Read organizational contacts", description: "Allows the app to read all organizational contacts without a signed-in user.  These contacts are managed by the organization and are different from a user's personal contacts." },
      "Organization.Read.All": { id: "498476ce-e0fe-48b0-b801-37ba7e2685c6", displayName: "Read organization information", description: "Allows the app to read the organization and related resources, without a signed-in user.\u00a0Related resources include things like subscribed skus and tenant branding information." },
      "Place.Read.All": { id: "913b9306-0ce1-42b8-9137-6a7df690a760", displayName: "Read all company places", description: "Allows the app to read company places (conference rooms and room lists) for calendar events and other applications, without a signed-in user." },
      "Policy.Read.All": { id: "246dd0d5-5bd0-4def-940b-0421030a5b68", displayName: "Read your organization's policies", description: "Allows the app to read all your organization's policies without a signed in user." },
      "Reports.Read.All": { id: "230c1aed-a721-4c5d-9cb4-a90514e508ef", displayName: "Read all usage reports", description: "Allows an app to read all service usage reports without a signed-in user.  Services that provide usage reports include Office 365 and Azure Active Directory." },
      "RoleManagement.Read.Directory": { id: "483bed4a-2ad3-4361-a73b-c83ccdbdc53c", displayName: "Read all directory RBAC settings", description: "Allows the app to read the role-based access control (RBAC) settings for your company's directory, without a signed-in user.  This includes reading directory role templates, directory roles and memberships." },
      "SecurityAlert.Read.All": { id: "472e4a4d-bb4a-4026-98d1-0b0d74cb74a5", displayName: "Read all security alerts", description: "Allows the app to read all security alerts, without a signed-in user." },
      "SecurityIncident.Read.All": { id: "45cc0394-e837-488b-a098-1918f48d186c", displayName: "Read all security incidents", description: "Allows the app to read all security incidents, without a signed-in user." },
      "ServiceHealth.Read.All": { id: "79c261e0-fe76-4144-aad5-bdc68fbe4037", displayName: "Read service health", description: "Allows the app to read your tenant's service health information, without a signed-in user. Health information may include service issues or service health overviews." },
      "ServiceMessage.Read.All": { id: "1b620472-6534-4fe6-9df2-4680e8aa28ec", displayName: "Read service messages", description: "Allows the app to read your tenant's service announcement messages, without a signed-in user. Messages may include information about new or changed features." },
      "Sites.FullControl.All": { id: "a82116e5-55eb-4c41-a434-62fe8a61c773", displayName: "Have full control of all site collections", description: "Allows the app to have full control of all site collections without a signed in user." },
      "Sites.Read.All": { id: "332a536c-c7ef-4017-ab91-336970924f0d", displayName: "Read items in all site collections", description: "Allows the app to read documents and list items in all site collections without a signed in user." },
      "Team.Create": { id: "23fc2474-f741-46ce-8465-674744c5c361", displayName: "Create teams", description: "Allows the app to create teams without a signed-in user." },
      "Team.ReadBasic.All": { id: "2280dda6-0bfd-44ee-a2f4-cb867cfc4c1e", displayName: "Get a list of all teams", description: "Get a list of all teams, without a signed-in user." },
      "TeamMember.Read.All": { id: "660b7406-55f1-41ca-a0ed-0b035e182f3e", displayName: "Read the members of all teams", description: "Read the members of all teams, without a signed-in user." },
      "TeamsActivity.Send": { id: "a267235f-af13-44dc-8385-c1dc93023186", displayName: "Send a teamwork activity to any user", description: "Allows the app to create new notifications in users' teamwork activity feeds without a signed in user. These notifications may not be discoverable or be held or governed by compliance policies." },
      "ThreatAssessment.Read.All": { id: "f8f035bb-2cce-47fb-8bf5-7baf3ecbee48", displayName: "Read threat assessment requests", description: "Allows an app to read your organization's threat assessment requests, without a signed-in user." },
      "User.Invite.All": { id: "09850681-111b-4a89-9bed-3f2cae46d706", displayName: "Invite guest users to the organization", description: "Allows the app to invite guest users to the organization, without a signed-in user." },
      "User.Read.All": { id: "df021288-bdef-4463-88db-98f22de89214", displayName: "Read all users' full profiles", description: "Allows the app to read user profiles without a signed in user." },
    } as Record<string, AppRoleInfo>,
  },
  exchange: {
    appId: "00000002-0000-0ff1-ce00-000000000000",
    displayName: "Office 365 Exchange Online",
    uris: ["https://outlook.office365.com", "00000002-0000-0ff1-ce00-000000000000"],
    roles: {
      "Exchange.ManageAsApp": { id: "dc50a0fb-09a3-484d-be87-e023b12c6440", displayName: "Manage Exchange As Application", description: "Allows the app to manage the organization's Exchange environment without any user interaction. This includes mailboxes, groups, and other configuration objects. To enable management actions, an admin must assign the appropriate roles directly to the app." },
      "full_access_as_app": { id: "dc890d15-9560-4a4c-9b7f-a736ec74ec40", displayName: "Use Exchange Web Services with full access to all mailboxes", description: "Allows the app to have full access via Exchange Web Services to all mailboxes without a signed-in user." },
    } as Record<string, AppRoleInfo>,
  },
  /**
   * SharePoint's resource URI is per tenant (`https://<tenant>.sharepoint.com`). The sandbox
   * plays every tenant's SharePoint on its own HTTPS origin, so a token for SharePoint is
   * requested with `<emulator origin>/.default` and carries that origin as its audience
   * (see `audiencesOf`).
   */
  sharepoint: {
    appId: "00000003-0000-0ff1-ce00-000000000000",
    displayName: "Office 365 SharePoint Online",
    uris: ["00000003-0000-0ff1-ce00-000000000000"],
    roles: {
      "Sites.FullControl.All": { id: "678536fe-1083-478a-9c59-b99265e6b0d3", displayName: "Have full control of all site collections", description: "Allows the app to have full control of all site collections without a signed in user." },
      "Sites.Read.All": { id: "d13f72ca-a275-4b96-b789-48ebcc4da984", displayName: "Read items in all site collections", description: "Allows the app to read documents and list items in all site collections without a signed in user." },
    } as Record<string, AppRoleInfo>,
  },
} as const;

export type ResourceKey = keyof typeof RESOURCES;
export const RESOURCE_KEYS = Object.keys(RESOURCES) as ResourceKey[];

/**
 * The identifiers a resource answers to: its URIs and app ID, plus, for SharePoint, the
 * emulator's own origin (the sandbox's stand-in for `https://<tenant>.sharepoint.com`).
 */
export function audiencesOf(resource: ResourceKey, ownOrigin: string): string[] {
  const uris: string[] = [...RESOURCES[resource].uris];
  if (resource === "sharepoint") uris.unshift(ownOrigin);
  return uris.map((u) => u.replace(/\/+$/, "").toLowerCase());
}

/** The resource a `scope` or `aud` names (URI or app ID, with or without a trailing slash). */
export function resourceFromIdentifier(identifier: string, ownOrigin: string): ResourceKey | null {
  const normalized = identifier.replace(/\/+$/, "").toLowerCase();
  for (const key of RESOURCE_KEYS) {
    if (audiencesOf(key, ownOrigin).includes(normalized)) return key;
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
  messages: ["Mail.Read", "Mail.ReadBasic.All"],
  events: ["Calendars.Read"],
  contacts: ["Contacts.Read"],
} as const;
