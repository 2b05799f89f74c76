import { z } from "zod";

import { parseOrganization } from "@/lib/graph/organization-profile";

/** The resource whose token a probe uses, as in the app registration's requiredResourceAccess. */
export type ProbeResource = "graph" | "exchange" | "sharepoint";

/** What a probe knows about the tenant when it builds its request. */
export interface ProbeContext {
  clientId: string;
  mailbox: string | null;
  initialDomain: string | null;
  /** A team found by the Team.ReadBasic.All probe, for the team-scoped Teams probes. */
  teamId?: string | null;
  /** A channel of that team found by the Channel.ReadBasic.All probe. */
  channelId?: string | null;
}

/** What a passing probe learned, fed back into the tenant's record and the truth table. */
export interface ProbeLearned {
  displayName?: string | null;
  initialDomain?: string | null;
  defaultDomain?: string | null;
  /** Application permissions granted to the app's service principal (appRoleAssignments). */
  grantedRoles?: string[];
  /** A licensed user with a mailbox, to use as the test mailbox. */
  mailboxCandidate?: string | null;
  teamCandidate?: string | null;
  channelCandidate?: string | null;
  /** The tenant's SharePoint root site URL (`webUrl` of Graph's /sites/root). */
  sharepointRoot?: string | null;
}

/** Something a probe needs found first (by another probe) or set by the partner. */
export type ProbeNeed = "mailbox" | "team" | "channel";

/** Why a probe did not run when what it needs was not found. */
export const NEED_MISSING: Record<ProbeNeed, string> = {
  mailbox: "no test mailbox: none is set for this tenant and no licensed user with a mailbox was found",
  team: "no team to read: none was found (the Team.ReadBasic.All probe finds one; grant it, or the tenant has no team yet)",
  channel: "no channel to read: none was found (the Channel.ReadBasic.All probe finds one in the first team; grant it and Team.ReadBasic.All)",
};

export interface ProbeRead {
  note: string;
  learned?: ProbeLearned;
}

interface ProbeBase {
  key: string;
  resource: ProbeResource;
  /** The role value (as in a token's `roles`). */
  permission: string;
  title: string;
  /** What a pass proves. */
  proves: string;
  /** The Microsoft reference page the request relies on. */
  reference: string;
  needs: readonly ProbeNeed[];
  /** @deprecated use `needs`; kept for callers that only know the mailbox. */
  needsMailbox: boolean;
}

export interface GraphProbe extends ProbeBase {
  kind: "graph";
  resource: "graph";
  /** The request below /v1.0. */
  path(ctx: ProbeContext): string;
  /** Statuses besides 2xx that answer the probe (a report's 302 to its download). */
  okStatuses?: readonly number[];
  /** Reads what a successful answer says; a body that does not parse fails the probe. */
  read(body: unknown, headers?: Record<string, string>): ProbeRead | null;
}

export interface ExchangeProbe extends ProbeBase {
  kind: "exchange";
  resource: "exchange";
  key: "exchange";
  permission: "Exchange.ManageAsApp";
  cmdlet: string;
}

/** EWS over SOAP with the Exchange token: `GetFolder` of the test mailbox's Inbox. */
export interface EwsProbe extends ProbeBase {
  kind: "ews";
  resource: "exchange";
  key: "ews";
  permission: "full_access_as_app";
  folder: "inbox";
  read(xml: string): ProbeRead | null;
}

/** SharePoint REST with a token for the tenant's SharePoint, on its root site. */
export interface SharePointProbe extends ProbeBase {
  kind: "sharepoint";
  resource: "sharepoint";
  /** Below the root site URL. */
  path: string;
  read(body: unknown): ProbeRead | null;
}

export type Probe = GraphProbe | ExchangeProbe | EwsProbe | SharePointProbe;

const collection = <T extends z.ZodTypeAny>(item: T) => z.object({ value: z.array(item) });

// Built once: zod schemas are costly to construct, and probes run thousands of times.
const domainsAnswer = collection(z.object({ id: z.string(), isInitial: z.boolean().optional(), isDefault: z.boolean().optional() }));
const usersAnswer = collection(z.object({ id: z.string(), userPrincipalName: z.string(), mail: z.string().nullable().optional(), assignedLicenses: z.array(z.unknown()).optional() }));
const assignmentsAnswer = collection(z.object({ appRoleId: z.string() }));
const idsAnswer = collection(z.object({ id: z.string() }));
const entityAnswer = z.object({ id: z.string() });
const siteAnswer = z.object({ id: z.string(), webUrl: z.string().url() });
const mailboxSettingsAnswer = z.object({ timeZone: z.string().nullable().optional(), "@odata.context": z.string().optional() }).refine((b) => "timeZone" in b || "@odata.context" in b);
const sharepointWebAnswer = z.object({ Title: z.string() });

const enc = encodeURIComponent;
const graphRef = (page: string) => `https://learn.microsoft.com/graph/api/${page}`;

/**
 * A probe whose answer is a Graph collection of objects with an `id`: an empty collection
 * still proves the read was allowed (the tenant may simply have none).
 */
function listProbe(entry: {
  key: string;
  permission: string;
  title: string;
  proves: string;
  noun: string;
  reference: string;
  path: string | ((ctx: ProbeContext) => string);
  needs?: readonly ProbeNeed[];
  learn?: (ids: string[]) => ProbeLearned;
}): GraphProbe {
  const needs = entry.needs ?? [];
  return {
    kind: "graph",
    resource: "graph",
    key: entry.key,
    permission: entry.permission,
    title: entry.title,
    proves: entry.proves,
    reference: entry.reference,
    needs,
    needsMailbox: needs.includes("mailbox"),
    path: typeof entry.path === "string" ? () => entry.path as string : entry.path,
    read: (body) => {
      const parsed = idsAnswer.safeParse(body);
      if (!parsed.success) return null;
      const ids = parsed.data.value.map((v) => v.id);
      const note = ids.length ? `read ${ids.length} ${entry.noun}` : `allowed; the tenant has no ${entry.noun} yet`;
      return entry.learn ? { note, learned: entry.learn(ids) } : { note };
    },
  };
}

/** A probe whose answer is one Graph object with an `id`. */
function entityProbe(entry: { key: string; permission: string; title: string; proves: string; reference: string; path: string; noun: string }): GraphProbe {
  return {
    kind: "graph",
    resource: "graph",
    ...entry,
    needs: [],
    needsMailbox: false,
    path: () => entry.path,
    read: (body) => (entityAnswer.safeParse(body).success ? { note: `read the ${entry.noun}` } : null),
  };
}

const mailbox = (ctx: ProbeContext) => enc(ctx.mailbox!);
const team = (ctx: ProbeContext) => enc(ctx.teamId!);
const channel = (ctx: ProbeContext) => enc(ctx.channelId!);

/**
 * One probe per permission: the smallest read that permission alone allows, citing the
 * reference page it relies on. Adding a probe is adding an entry here (and its test).
 * Graph probes go through JSON batching (several batches of ≤20 when needed); probes that
 * need a mailbox, a team or a channel run in a later round, once a probe has found one.
 */
export const PROBES: readonly Probe[] = [
  // ---- Directory -------------------------------------------------------------------------
  {
    kind: "graph",
    resource: "graph",
    key: "organization",
    permission: "Organization.Read.All",
    title: "Organization profile",
    proves: "the tenant's name and its verified, initial and default domains can be read",
    reference: graphRef("organization-list"),
    needs: [],
    needsMailbox: false,
    path: () => "/organization?$select=id,displayName,verifiedDomains",
    read: (body) => {
      if (!idsAnswer.safeParse(body).success) return null;
      const org = parseOrganization(body);
      if (!org) return null;
      return { note: `${org.displayName ?? "(no name)"}; initial domain ${org.initialDomain ?? "unknown"}`, learned: org };
    },
  },
  {
    kind: "graph",
    resource: "graph",
    key: "domains",
    permission: "Domain.Read.All",
    title: "Domains",
    proves: "the domain list, including the initial .onmicrosoft.com domain, can be read",
    reference: graphRef("domain-list"),
    needs: [],
    needsMailbox: false,
    path: () => "/domains?$select=id,isInitial,isDefault,isVerified",
    read: (body) => {
      const parsed = domainsAnswer.safeParse(body);
      if (!parsed.success) return null;
      const initial = parsed.data.value.find((d) => d.isInitial)?.id ?? null;
      return { note: `${parsed.data.value.length} domains; initial ${initial ?? "not found"}`, learned: { initialDomain: initial?.toLowerCase() ?? null } };
    },
  },
  {
    kind: "graph",
    resource: "graph",
    key: "users",
    permission: "User.Read.All",
    title: "Users",
    proves: "the directory's users can be read",
    reference: graphRef("user-list"),
    needs: [],
    needsMailbox: false,
    path: () => "/users?$top=25&$select=id,userPrincipalName,mail,assignedLicenses",
    read: (body) => {
      const parsed = usersAnswer.safeParse(body);
      if (!parsed.success) return null;
      const candidate = parsed.data.value.find((u) => u.mail && (u.assignedLicenses?.length ?? 0) > 0);
      return { note: `read ${parsed.data.value.length} user(s)`, learned: { mailboxCandidate: candidate?.userPrincipalName ?? null } };
    },
  },
  listProbe({
    key: "directory",
    permission: "Directory.Read.All",
    title: "Directory",
    proves: "directory data can be read with the broad directory permission",
    noun: "organization object(s)",
    reference: graphRef("organization-list"),
    path: "/organization?$select=id",
  }),
  {
    kind: "graph",
    resource: "graph",
    key: "application",
    permission: "Application.Read.All",
    title: "What was granted",
    proves: "the app's service principal and the application permissions really granted to it can be read",
    reference: graphRef("serviceprincipal-list-approleassignments"),
    needs: [],
    needsMailbox: false,
    path: (ctx) => `/servicePrincipals(appId='${ctx.clientId}')/appRoleAssignments`,
    read: (body) => {
      const parsed = assignmentsAnswer.safeParse(body);
      if (!parsed.success) return null;
      // By app role ID: a value alone cannot tell Graph's Sites.Read.All from SharePoint's (lib/permissions/assess.ts resolves them).
      const granted = parsed.data.value.map((a) => `appRole:${a.appRoleId.toLowerCase()}`).sort();
      return { note: `${granted.length} application permission(s) granted`, learned: { grantedRoles: granted } };
    },
  },
  listProbe({ key: "groups", permission: "Group.Read.All", title: "Groups", proves: "groups can be read", noun: "group(s)", reference: graphRef("group-list"), path: "/groups?$top=1&$select=id" }),
  listProbe({
    key: "group-members",
    permission: "GroupMember.Read.All",
    title: "Group memberships",
    proves: "groups and their basic properties can be read with the membership permission",
    noun: "group(s)",
    reference: graphRef("group-list"),
    path: "/groups?$top=1&$select=id,displayName",
  }),
  listProbe({
    key: "directory-roles",
    permission: "RoleManagement.Read.Directory",
    title: "Directory roles",
    proves: "the directory's activated roles can be read",
    noun: "directory role(s)",
    reference: graphRef("directoryrole-list"),
    path: "/directoryRoles?$select=id",
  }),
  entityProbe({
    key: "authorization-policy",
    permission: "Policy.Read.All",
    title: "Authorization policy",
    proves: "the tenant's policies can be read",
    noun: "authorization policy",
    reference: graphRef("authorizationpolicy-get"),
    path: "/policies/authorizationPolicy?$select=id",
  }),
  listProbe({
    key: "administrative-units",
    permission: "AdministrativeUnit.Read.All",
    title: "Administrative units",
    proves: "administrative units can be read",
    noun: "administrative unit(s)",
    reference: graphRef("directory-list-administrativeunits"),
    path: "/directory/administrativeUnits?$top=1&$select=id",
  }),
  listProbe({ key: "devices", permission: "Device.Read.All", title: "Devices", proves: "the directory's devices can be read", noun: "device(s)", reference: graphRef("device-list"), path: "/devices?$top=1&$select=id" }),
  listProbe({
    key: "org-contacts",
    permission: "OrgContact.Read.All",
    title: "Organizational contacts",
    proves: "the organization's contacts can be read",
    noun: "organizational contact(s)",
    reference: graphRef("orgcontact-list"),
    path: "/contacts?$top=1&$select=id",
  }),
  // ---- Audit and reports -----------------------------------------------------------------
  listProbe({
    key: "audit-log",
    permission: "AuditLog.Read.All",
    title: "Directory audit log",
    proves: "the directory audit log can be read",
    noun: "audit record(s)",
    reference: graphRef("directoryaudit-list"),
    path: "/auditLogs/directoryAudits?$top=1",
  }),
  {
    kind: "graph",
    resource: "graph",
    key: "reports",
    permission: "Reports.Read.All",
    title: "Usage reports",
    proves: "Microsoft 365 usage reports can be downloaded",
    reference: graphRef("reportroot-getoffice365activeusercounts"),
    needs: [],
    needsMailbox: false,
    path: () => "/reports/getOffice365ActiveUserCounts(period='D7')",
    // Graph answers 302 Found with the report's pre-authenticated download URL in Location.
    okStatuses: [302],
    read: (_body, headers) => (headers?.location && /^https:\/\//.test(headers.location) ? { note: "the report is ready to download" } : null),
  },
  // ---- Security --------------------------------------------------------------------------
  listProbe({
    key: "security-alerts",
    permission: "SecurityAlert.Read.All",
    title: "Security alerts",
    proves: "Microsoft Defender XDR alerts can be read",
    noun: "alert(s)",
    reference: graphRef("security-list-alerts_v2"),
    path: "/security/alerts_v2?$top=1",
  }),
  listProbe({
    key: "security-incidents",
    permission: "SecurityIncident.Read.All",
    title: "Security incidents",
    proves: "Microsoft Defender XDR incidents can be read",
    noun: "incident(s)",
    reference: graphRef("security-list-incidents"),
    path: "/security/incidents?$top=1",
  }),
  listProbe({
    key: "risky-users",
    permission: "IdentityRiskyUser.Read.All",
    title: "Risky users",
    proves: "Identity Protection's risky users can be read",
    noun: "risky user(s)",
    reference: graphRef("riskyuser-list"),
    path: "/identityProtection/riskyUsers?$top=1",
  }),
  listProbe({
    key: "risk-detections",
    permission: "IdentityRiskEvent.Read.All",
    title: "Risk detections",
    proves: "Identity Protection's risk detections can be read",
    noun: "risk detection(s)",
    reference: graphRef("riskdetection-list"),
    path: "/identityProtection/riskDetections?$top=1",
  }),
  listProbe({
    key: "threat-assessments",
    permission: "ThreatAssessment.Read.All",
    title: "Threat assessment requests",
    proves: "threat assessment requests can be read",
    noun: "threat assessment request(s)",
    reference: graphRef("informationprotection-list-threatassessmentrequests"),
    path: "/informationProtection/threatAssessmentRequests?$top=1",
  }),
  listProbe({
    key: "attack-simulations",
    permission: "AttackSimulation.Read.All",
    title: "Attack simulations",
    proves: "attack simulation and training data can be read",
    noun: "simulation(s)",
    reference: graphRef("attacksimulationroot-list-simulations"),
    path: "/security/attackSimulation/simulations?$top=1",
  }),
  // ---- Intune ----------------------------------------------------------------------------
  listProbe({
    key: "managed-devices",
    permission: "DeviceManagementManagedDevices.Read.All",
    title: "Intune managed devices",
    proves: "devices managed by Intune can be read",
    noun: "managed device(s)",
    reference: graphRef("intune-devices-manageddevice-list"),
    path: "/deviceManagement/managedDevices?$top=1&$select=id",
  }),
  listProbe({
    key: "device-configurations",
    permission: "DeviceManagementConfiguration.Read.All",
    title: "Intune device configurations",
    proves: "Intune device configuration profiles can be read",
    noun: "device configuration(s)",
    reference: graphRef("intune-deviceconfig-deviceconfiguration-list"),
    path: "/deviceManagement/deviceConfigurations?$top=1&$select=id",
  }),
  listProbe({
    key: "mobile-apps",
    permission: "DeviceManagementApps.Read.All",
    title: "Intune apps",
    proves: "apps managed by Intune can be read",
    noun: "app(s)",
    reference: graphRef("intune-apps-mobileapp-list"),
    path: "/deviceAppManagement/mobileApps?$top=1&$select=id",
  }),
  listProbe({
    key: "intune-roles",
    permission: "DeviceManagementRBAC.Read.All",
    title: "Intune role definitions",
    proves: "Intune's role-based access control settings can be read",
    noun: "role definition(s)",
    reference: graphRef("intune-rbac-roledefinition-list"),
    path: "/deviceManagement/roleDefinitions?$top=1&$select=id",
  }),
  // ---- Teams -----------------------------------------------------------------------------
  listProbe({
    key: "teams",
    permission: "Team.ReadBasic.All",
    title: "Teams",
    proves: "the organization's teams can be listed",
    noun: "team(s)",
    reference: graphRef("teams-list"),
    path: "/teams?$top=1&$select=id",
    learn: (ids) => ({ teamCandidate: ids[0] ?? null }),
  }),
  listProbe({
    key: "channels",
    permission: "Channel.ReadBasic.All",
    title: "Channels",
    proves: "a team's channels can be listed",
    noun: "channel(s)",
    reference: graphRef("channel-list"),
    needs: ["team"],
    path: (ctx) => `/teams/${team(ctx)}/channels?$select=id`,
    learn: (ids) => ({ channelCandidate: ids[0] ?? null }),
  }),
  listProbe({
    key: "channel-messages",
    permission: "ChannelMessage.Read.All",
    title: "Channel messages",
    proves: "messages in a team's channel can be read",
    noun: "message(s)",
    reference: graphRef("channel-list-messages"),
    needs: ["team", "channel"],
    path: (ctx) => `/teams/${team(ctx)}/channels/${channel(ctx)}/messages?$top=1`,
  }),
  listProbe({
    key: "team-members",
    permission: "TeamMember.Read.All",
    title: "Team members",
    proves: "a team's members can be read",
    noun: "member(s)",
    reference: graphRef("team-list-members"),
    needs: ["team"],
    path: (ctx) => `/teams/${team(ctx)}/members?$top=1`,
  }),
  listProbe({
    key: "channel-members",
    permission: "ChannelMember.Read.All",
    title: "Channel members",
    proves: "a channel's members can be read",
    noun: "member(s)",
    reference: graphRef("channel-list-members"),
    needs: ["team", "channel"],
    path: (ctx) => `/teams/${team(ctx)}/channels/${channel(ctx)}/members`,
  }),
  listProbe({
    key: "chats",
    permission: "Chat.ReadBasic.All",
    title: "Chats",
    proves: "the test user's chats can be listed",
    noun: "chat(s)",
    reference: graphRef("chat-list"),
    needs: ["mailbox"],
    path: (ctx) => `/users/${mailbox(ctx)}/chats?$top=1&$select=id`,
  }),
  listProbe({
    key: "chat-messages",
    permission: "Chat.Read.All",
    title: "Chats (with messages)",
    proves: "the test user's chats can be read with the chat-message permission",
    noun: "chat(s)",
    reference: graphRef("chat-list"),
    needs: ["mailbox"],
    path: (ctx) => `/users/${mailbox(ctx)}/chats?$top=1`,
  }),
  listProbe({
    key: "app-catalog",
    permission: "AppCatalog.Read.All",
    title: "Teams app catalog",
    proves: "the organization's Teams app catalog can be read",
    noun: "app(s)",
    reference: graphRef("appcatalogs-list-teamsapps"),
    path: "/appCatalogs/teamsApps?$top=1&$select=id",
  }),
  // ---- SharePoint and OneDrive through Graph ---------------------------------------------
  {
    kind: "graph",
    resource: "graph",
    key: "sites",
    permission: "Sites.Read.All",
    title: "SharePoint root site",
    proves: "SharePoint sites can be read through Graph",
    reference: graphRef("site-get"),
    needs: [],
    needsMailbox: false,
    path: () => "/sites/root?$select=id,webUrl",
    read: (body) => {
      const parsed = siteAnswer.safeParse(body);
      if (!parsed.success) return null;
      return { note: `root site ${parsed.data.webUrl}`, learned: { sharepointRoot: parsed.data.webUrl.replace(/\/+$/, "") } };
    },
  },
  entityProbe({
    key: "drive",
    permission: "Files.Read.All",
    title: "Root site's documents",
    proves: "files in SharePoint and OneDrive can be read",
    noun: "root site's document library",
    reference: graphRef("drive-get"),
    path: "/sites/root/drive?$select=id",
  }),
  // ---- Mail, calendar, contacts, mailbox settings ----------------------------------------
  listProbe({
    key: "mail",
    permission: "Mail.Read",
    title: "Mail",
    proves: "mail in the test mailbox can be read app-only",
    noun: "message(s)",
    reference: graphRef("user-list-messages"),
    needs: ["mailbox"],
    path: (ctx) => `/users/${mailbox(ctx)}/messages?$top=1&$select=id`,
  }),
  listProbe({
    key: "mail-basic",
    permission: "Mail.ReadBasic.All",
    title: "Mail (basic properties)",
    proves: "message properties in the test mailbox can be read app-only",
    noun: "message(s)",
    reference: graphRef("user-list-messages"),
    needs: ["mailbox"],
    path: (ctx) => `/users/${mailbox(ctx)}/messages?$top=1&$select=id,subject`,
  }),
  listProbe({
    key: "calendars",
    permission: "Calendars.Read",
    title: "Calendar",
    proves: "the test mailbox's calendar can be read app-only",
    noun: "event(s)",
    reference: graphRef("user-list-events"),
    needs: ["mailbox"],
    path: (ctx) => `/users/${mailbox(ctx)}/events?$top=1&$select=id`,
  }),
  listProbe({
    key: "contacts",
    permission: "Contacts.Read",
    title: "Contacts",
    proves: "the test mailbox's contacts can be read app-only",
    noun: "contact(s)",
    reference: graphRef("user-list-contacts"),
    needs: ["mailbox"],
    path: (ctx) => `/users/${mailbox(ctx)}/contacts?$top=1&$select=id`,
  }),
  {
    kind: "graph",
    resource: "graph",
    key: "mailbox-settings",
    permission: "MailboxSettings.Read",
    title: "Mailbox settings",
    proves: "the test mailbox's settings can be read app-only",
    reference: graphRef("user-get-mailboxsettings"),
    needs: ["mailbox"],
    needsMailbox: true,
    path: (ctx) => `/users/${mailbox(ctx)}/mailboxSettings?$select=timeZone`,
    read: (body) => (mailboxSettingsAnswer.safeParse(body).success ? { note: "read the mailbox settings" } : null),
  },
  // ---- Places, service health, governance ------------------------------------------------
  listProbe({
    key: "places",
    permission: "Place.Read.All",
    title: "Rooms",
    proves: "the organization's rooms can be read",
    noun: "room(s)",
    reference: graphRef("place-list"),
    path: "/places/microsoft.graph.room?$top=1",
  }),
  listProbe({
    key: "service-health",
    permission: "ServiceHealth.Read.All",
    title: "Service health",
    proves: "the tenant's service health overview can be read",
    noun: "service health overview(s)",
    reference: graphRef("serviceannouncement-list-healthoverviews"),
    path: "/admin/serviceAnnouncement/healthOverviews?$select=id",
  }),
  listProbe({
    key: "service-messages",
    permission: "ServiceMessage.Read.All",
    title: "Message center",
    proves: "the tenant's service announcement messages can be read",
    noun: "message(s)",
    reference: graphRef("serviceannouncement-list-messages"),
    path: "/admin/serviceAnnouncement/messages?$top=1&$select=id",
  }),
  listProbe({
    key: "terms-of-use",
    permission: "Agreement.Read.All",
    title: "Terms of use",
    proves: "the tenant's terms of use agreements can be read",
    noun: "agreement(s)",
    reference: graphRef("termsofusecontainer-list-agreements"),
    path: "/identityGovernance/termsOfUse/agreements?$select=id",
  }),
  listProbe({
    key: "access-reviews",
    permission: "AccessReview.Read.All",
    title: "Access reviews",
    proves: "access review definitions can be read",
    noun: "access review definition(s)",
    reference: graphRef("accessreviewset-list-definitions"),
    path: "/identityGovernance/accessReviews/definitions?$top=1&$select=id",
  }),
  // ---- Exchange Online -------------------------------------------------------------------
  {
    kind: "exchange",
    resource: "exchange",
    key: "exchange",
    permission: "Exchange.ManageAsApp",
    title: "Exchange Online admin API",
    proves: "Exchange app-only works: the permission, a directory role, and the tenant addressed by its initial domain",
    reference: "https://learn.microsoft.com/powershell/exchange/app-only-auth-powershell-v2",
    needs: [],
    needsMailbox: false,
    cmdlet: "Get-OrganizationConfig",
  },
  {
    kind: "ews",
    resource: "exchange",
    key: "ews",
    permission: "full_access_as_app",
    title: "Exchange Web Services",
    proves: "EWS answers app-only for the test mailbox (GetFolder of its Inbox, impersonating it)",
    reference: "https://learn.microsoft.com/exchange/client-developer/exchange-web-services/how-to-authenticate-an-ews-application-by-using-oauth",
    needs: ["mailbox"],
    needsMailbox: true,
    folder: "inbox",
    read: (xml) => {
      if (!/GetFolderResponseMessage[^>]*ResponseClass="Success"/.test(xml)) return null;
      return /<t:FolderId\b[^>]*\bId="[^"]+"/.test(xml) ? { note: "read the Inbox folder" } : null;
    },
  },
  // ---- SharePoint Online's own API -------------------------------------------------------
  ...(["Sites.Read.All", "Sites.FullControl.All"] as const).map(
    (permission): SharePointProbe => ({
      kind: "sharepoint",
      resource: "sharepoint",
      key: permission === "Sites.Read.All" ? "sharepoint-web" : "sharepoint-web-full",
      permission,
      title: "SharePoint REST",
      proves: "SharePoint's REST API answers app-only on the tenant's root site",
      reference: "https://learn.microsoft.com/sharepoint/dev/sp-add-ins/get-to-know-the-sharepoint-rest-service",
      needs: [],
      needsMailbox: false,
      path: "/_api/web?$select=Title",
      read: (body) => {
        const parsed = sharepointWebAnswer.safeParse(body);
        return parsed.success ? { note: `root site "${parsed.data.Title}"` } : null;
      },
    }),
  ),
];

/**
 * Permissions that only write: the token and the assignment prove them, and no probe ever
 * exercises them (Microsoft documents no side-effect-free call for them). Keys are
 * `resource/value`.
 */
export const WRITE_ONLY_PERMISSIONS: ReadonlySet<string> = new Set([
  "graph/Mail.Send",
  "graph/Group.Create",
  "graph/Team.Create",
  "graph/Channel.Create",
  "graph/Chat.Create",
  "graph/User.Invite.All",
  "graph/TeamsActivity.Send",
]);

const byKey = new Map(PROBES.map((p) => [`${p.resource}/${p.permission}`, p]));

/** The probe that proves an application permission of a resource, if the catalog has one. */
/** The probes that only ask for a token, one per resource, before any call. */
export const TOKEN_PROBE_KEYS = ["token", "exchange-token", "sharepoint-token"] as const;

/** Every probe key a run can record: the token probes and the catalog's. */
export const ALL_PROBE_KEYS: readonly string[] = [...TOKEN_PROBE_KEYS, ...PROBES.map((p) => p.key)];

export function probeFor(resource: ProbeResource, value: string): Probe | undefined {
  return byKey.get(`${resource}/${value}`);
}

const RESOURCE_PREFIXES: Record<string, ProbeResource> = { graph: "graph", exchange: "exchange", sharepoint: "sharepoint" };

/**
 * Reads a configured permission: `{ resource, value }`, `Graph/Sites.Read.All`,
 * `sharepoint/Sites.FullControl.All`, or a bare name. A bare name means Graph; when Graph
 * has no such permission, it means the one resource whose catalog entry has that value
 * (`Exchange.ManageAsApp`), so older settings keep working.
 */
function probeOfConfigured(entry: string | { resource: string; value: string }): Probe | undefined {
  if (typeof entry !== "string") {
    const resource = RESOURCE_PREFIXES[entry.resource.toLowerCase()];
    return resource ? probeFor(resource, entry.value) : undefined;
  }
  const slash = entry.indexOf("/");
  if (slash > 0) {
    const resource = RESOURCE_PREFIXES[entry.slice(0, slash).toLowerCase()];
    return resource ? probeFor(resource, entry.slice(slash + 1)) : undefined;
  }
  const graph = probeFor("graph", entry);
  if (graph) return graph;
  const others = PROBES.filter((p) => p.permission === entry);
  return others.length === 1 ? others[0] : undefined;
}

/** The probes for a set of configured permissions, in catalog order. */
export function probesFor(permissions: readonly (string | { resource: string; value: string })[]): Probe[] {
  const chosen = new Set(permissions.map(probeOfConfigured).filter((p): p is Probe => p !== undefined));
  return PROBES.filter((p) => chosen.has(p));
}
