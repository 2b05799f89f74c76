import { createHash } from "node:crypto";

import type { EmulatorContext } from "./context";
import { select, stableId, type GraphResponse } from "./graph";
import { mailboxAccess } from "./mailbox";
import type { ScenarioTenant, ScenarioUser } from "./scenario";

/** What a workload route gets from Graph's router: the caller's tenant and roles, and how to answer. */
export interface WorkloadRequest {
  tenant: ScenarioTenant;
  /** The caller's app ID (the token's `appid`), for Exchange RBAC for Applications. */
  appId: string;
  roles: Set<string>;
  /** Path segments below /v1.0, decoded. */
  segments: string[];
  query: URLSearchParams;
  /** `<graph host>/v1.0`, for @odata.context. */
  base: string;
  error(status: number, code: string, message: string, extra?: Record<string, string>): GraphResponse;
  ok(body: unknown): GraphResponse;
  redirect(location: string): GraphResponse;
}

/**
 * How Graph refuses a call without the permission. Directory objects answer
 * `Authorization_RequestDenied` and mailboxes `ErrorAccessDenied` (as Microsoft does);
 * SharePoint through Graph answers `accessDenied`; other workloads are modelled with
 * Graph's generic `Forbidden`.
 */
type Denial = "directory" | "mailbox" | "sites" | "workload";

const DENIALS: Record<Denial, [code: string, message: string]> = {
  directory: ["Authorization_RequestDenied", "Insufficient privileges to complete the operation."],
  mailbox: ["ErrorAccessDenied", "Access is denied. Check credentials and try again."],
  sites: ["accessDenied", "Access denied"],
  workload: ["Forbidden", "Missing application permissions for this request."],
};

interface Route {
  /** Segments; `{x}` captures one. */
  path: string;
  /** Any one of these application permissions lets the call through (the permission and the supersets its reference page names). */
  roles: readonly string[];
  denial: Denial;
  /** Answers an allowed call; `params` holds the `{x}` captures. */
  answer(req: WorkloadRequest, params: Record<string, string>, ctx: EmulatorContext): GraphResponse;
}

/** A GUID derived from its parts, stable across runs (the sandbox has no storage for these objects). */
function stableGuid(...parts: string[]): string {
  const h = createHash("sha256").update(parts.join("|")).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

const iso = (day: number) => new Date(Date.UTC(2026, 0, day)).toISOString().replace(".000", "");

/** Answers a collection as Graph does: `$top` (1–999) and `$select` applied, with @odata.context. */
function list(req: WorkloadRequest, context: string, items: Record<string, unknown>[]): GraphResponse {
  const raw = req.query.get("$top");
  const top = raw === null ? items.length : Number(raw);
  if (raw !== null && (!Number.isInteger(top) || top < 1 || top > 999)) return req.error(400, "BadRequest", `Invalid page size specified: '${raw}'.`);
  return req.ok({ "@odata.context": `${req.base}/$metadata#${context}`, value: items.slice(0, top).map((i) => select(i, req.query)) });
}

function entity(req: WorkloadRequest, context: string, item: Record<string, unknown>): GraphResponse {
  return req.ok({ "@odata.context": `${req.base}/$metadata#${context}/$entity`, ...select(item, req.query) });
}

const teamOf = (t: ScenarioTenant) => ({ id: stableGuid(t.id, "team"), displayName: `${t.displayName} all staff`, description: "Everyone in the organization", visibility: "public" });
const channelOf = (t: ScenarioTenant) => ({ id: `19:${createHash("sha256").update(`${t.id}|general`).digest("hex").slice(0, 32)}@thread.tacv2`, displayName: "General", membershipType: "standard" });
const memberOf = (u: ScenarioUser) => ({
  "@odata.type": "#microsoft.graph.aadUserConversationMember",
  id: Buffer.from(`${u.id}`).toString("base64url"),
  roles: [],
  displayName: u.displayName,
  userId: u.id,
  email: u.userPrincipalName,
});

function findTeam(req: WorkloadRequest, id: string): GraphResponse | null {
  return id === teamOf(req.tenant).id ? null : req.error(404, "NotFound", `No team found with Group Id ${id}`);
}
function findChannel(req: WorkloadRequest, teamId: string, channelId: string): GraphResponse | null {
  return findTeam(req, teamId) ?? (channelId === channelOf(req.tenant).id ? null : req.error(404, "NotFound", "Channel not found"));
}
function findUser(ctx: EmulatorContext, req: WorkloadRequest, id: string): ScenarioUser | null {
  return ctx.state.findUser(req.tenant, id);
}

/**
 * The workloads' read endpoints the probe catalog calls, each with the application
 * permissions that allow it.
 * @see https://learn.microsoft.com/graph/permissions-reference
 */
const ROUTES: Route[] = [
  // Directory
  { path: "groups", roles: ["GroupMember.Read.All", "Group.Read.All", "Directory.Read.All"], denial: "directory", answer: (r) => list(r, "groups", [{ id: stableGuid(r.tenant.id, "group"), displayName: `${r.tenant.displayName} all staff`, mailEnabled: true, securityEnabled: false, groupTypes: ["Unified"] }]) },
  { path: "directoryRoles", roles: ["RoleManagement.Read.Directory", "Directory.Read.All"], denial: "directory", answer: (r) => list(r, "directoryRoles", [{ id: stableGuid(r.tenant.id, "role-ga"), displayName: "Global Administrator", roleTemplateId: "62e90394-69f5-4237-9190-012177145e10" }]) },
  { path: "policies/authorizationPolicy", roles: ["Policy.Read.All"], denial: "directory", answer: (r) => entity(r, "policies/authorizationPolicy", { id: "authorizationPolicy", displayName: "Authorization Policy", allowInvitesFrom: "everyone" }) },
  { path: "directory/administrativeUnits", roles: ["AdministrativeUnit.Read.All", "Directory.Read.All"], denial: "directory", answer: (r) => list(r, "directory/administrativeUnits", [{ id: stableGuid(r.tenant.id, "au"), displayName: "Headquarters" }]) },
  { path: "devices", roles: ["Device.Read.All", "Directory.Read.All"], denial: "directory", answer: (r) => list(r, "devices", [{ id: stableGuid(r.tenant.id, "device"), displayName: "LAPTOP-01", operatingSystem: "Windows" }]) },
  { path: "contacts", roles: ["OrgContact.Read.All", "Directory.Read.All"], denial: "directory", answer: (r) => list(r, "contacts", [{ id: stableGuid(r.tenant.id, "orgcontact"), displayName: "Supplier desk", mail: "desk@supplier.example" }]) },
  // Audit and reports
  { path: "auditLogs/directoryAudits", roles: ["AuditLog.Read.All"], denial: "directory", answer: (r) => list(r, "auditLogs/directoryAudits", [{ id: `Directory_${stableGuid(r.tenant.id, "audit")}`, category: "ApplicationManagement", activityDisplayName: "Consent to application", activityDateTime: iso(2), result: "success" }]) },
  {
    path: "reports/getOffice365ActiveUserCounts(period='D7')",
    roles: ["Reports.Read.All"],
    denial: "workload",
    // Graph answers with a redirect to a short-lived, pre-authenticated CSV download.
    answer: (r, _p, ctx) => r.redirect(`${ctx.graphHost}/_sandbox/reports/${stableGuid(r.tenant.id, "report")}.csv`),
  },
  // Security
  { path: "security/alerts_v2", roles: ["SecurityAlert.Read.All"], denial: "workload", answer: (r) => list(r, "security/alerts_v2", [{ id: `da${stableGuid(r.tenant.id, "alert").replace(/-/g, "").slice(0, 30)}`, title: "Suspicious sign-in", severity: "medium", status: "new", createdDateTime: iso(3) }]) },
  { path: "security/incidents", roles: ["SecurityIncident.Read.All"], denial: "workload", answer: (r) => list(r, "security/incidents", [{ id: "2972395", displayName: "Multi-stage incident", severity: "medium", status: "active", createdDateTime: iso(3) }]) },
  { path: "identityProtection/riskyUsers", roles: ["IdentityRiskyUser.Read.All"], denial: "workload", answer: (r) => list(r, "identityProtection/riskyUsers", r.tenant.users.slice(0, 1).map((u) => ({ id: u.id, userPrincipalName: u.userPrincipalName, riskLevel: "low", riskState: "atRisk" }))) },
  { path: "identityProtection/riskDetections", roles: ["IdentityRiskEvent.Read.All"], denial: "workload", answer: (r) => list(r, "identityProtection/riskDetections", [{ id: createHash("sha256").update(`${r.tenant.id}|risk`).digest("hex").slice(0, 64), riskEventType: "unfamiliarFeatures", riskLevel: "low", detectedDateTime: iso(4) }]) },
  { path: "informationProtection/threatAssessmentRequests", roles: ["ThreatAssessment.Read.All"], denial: "workload", answer: (r) => list(r, "informationProtection/threatAssessmentRequests", [{ id: stableId(r.tenant.id, "threat"), category: "spam", contentType: "mail", status: "completed", createdDateTime: iso(5) }]) },
  { path: "security/attackSimulation/simulations", roles: ["AttackSimulation.Read.All"], denial: "workload", answer: (r) => list(r, "security/attackSimulation/simulations", [{ id: stableGuid(r.tenant.id, "simulation"), displayName: "Quarterly phishing drill", status: "succeeded" }]) },
  // Intune
  { path: "deviceManagement/managedDevices", roles: ["DeviceManagementManagedDevices.Read.All"], denial: "workload", answer: (r) => list(r, "deviceManagement/managedDevices", [{ id: stableGuid(r.tenant.id, "managed"), deviceName: "LAPTOP-01", operatingSystem: "Windows", complianceState: "compliant" }]) },
  { path: "deviceManagement/deviceConfigurations", roles: ["DeviceManagementConfiguration.Read.All"], denial: "workload", answer: (r) => list(r, "deviceManagement/deviceConfigurations", [{ id: stableGuid(r.tenant.id, "config"), displayName: "Baseline", version: 1 }]) },
  { path: "deviceAppManagement/mobileApps", roles: ["DeviceManagementApps.Read.All"], denial: "workload", answer: (r) => list(r, "deviceAppManagement/mobileApps", [{ id: stableGuid(r.tenant.id, "app"), displayName: "Company Portal", publisher: "Microsoft" }]) },
  { path: "deviceManagement/roleDefinitions", roles: ["DeviceManagementRBAC.Read.All"], denial: "workload", answer: (r) => list(r, "deviceManagement/roleDefinitions", [{ id: stableGuid(r.tenant.id, "intune-role"), displayName: "Help Desk Operator", isBuiltIn: true }]) },
  // Teams
  { path: "teams", roles: ["Team.ReadBasic.All"], denial: "workload", answer: (r) => list(r, "teams", r.tenant.users.length ? [teamOf(r.tenant)] : []) },
  { path: "teams/{team}/channels", roles: ["Channel.ReadBasic.All"], denial: "workload", answer: (r, p) => findTeam(r, p.team!) ?? list(r, `teams('${p.team}')/channels`, [channelOf(r.tenant)]) },
  {
    path: "teams/{team}/channels/{channel}/messages",
    roles: ["ChannelMessage.Read.All"],
    denial: "workload",
    answer: (r, p) =>
      findChannel(r, p.team!, p.channel!) ??
      list(r, `teams('${p.team}')/channels('${p.channel}')/messages`, [{ id: "1700000000000", messageType: "message", createdDateTime: iso(6), body: { contentType: "text", content: "Welcome to the team" } }]),
  },
  { path: "teams/{team}/members", roles: ["TeamMember.Read.All"], denial: "workload", answer: (r, p) => findTeam(r, p.team!) ?? list(r, `teams('${p.team}')/members`, r.tenant.users.map(memberOf)) },
  { path: "teams/{team}/channels/{channel}/members", roles: ["ChannelMember.Read.All"], denial: "workload", answer: (r, p) => findChannel(r, p.team!, p.channel!) ?? list(r, `teams('${p.team}')/channels('${p.channel}')/members`, r.tenant.users.map(memberOf)) },
  {
    path: "users/{user}/chats",
    roles: ["Chat.ReadBasic.All", "Chat.Read.All"],
    denial: "workload",
    answer: (r, p, ctx) => {
      const user = findUser(ctx, r, p.user!);
      if (!user) return r.error(404, "NotFound", `User ${p.user} was not found.`);
      return list(r, `users('${user.id}')/chats`, [{ id: `19:${user.id}_${stableGuid(r.tenant.id, "peer")}@unq.gbl.spaces`, chatType: "oneOnOne", createdDateTime: iso(7) }]);
    },
  },
  { path: "appCatalogs/teamsApps", roles: ["AppCatalog.Read.All"], denial: "workload", answer: (r) => list(r, "appCatalogs/teamsApps", [{ id: stableGuid(r.tenant.id, "teams-app"), externalId: null, displayName: "Planner", distributionMethod: "store" }]) },
  // SharePoint and OneDrive
  {
    path: "sites/root",
    roles: ["Sites.Read.All", "Sites.FullControl.All"],
    denial: "sites",
    answer: (r, _p, ctx) => {
      const host = new URL(ctx.authorityHost).host;
      return entity(r, "sites", { id: `${host},${stableGuid(r.tenant.id, "site")},${stableGuid(r.tenant.id, "web")}`, displayName: "Communication site", name: "", webUrl: ctx.authorityHost });
    },
  },
  { path: "sites/root/drive", roles: ["Files.Read.All", "Sites.Read.All", "Sites.FullControl.All"], denial: "sites", answer: (r) => entity(r, "drives", { id: `b!${Buffer.from(stableGuid(r.tenant.id, "drive")).toString("base64url").slice(0, 64)}`, driveType: "documentLibrary", name: "Documents" }) },
  // Mailbox settings
  {
    path: "users/{user}/mailboxSettings",
    roles: ["MailboxSettings.Read"],
    denial: "mailbox",
    answer: (r, p, ctx) => {
      const user = findUser(ctx, r, p.user!);
      const refused = mailboxAccess(ctx, { tenant: r.tenant, appId: r.appId, roles: r.roles, rule: ["MailboxSettings.Read", "MailboxSettings.ReadWrite"], user, id: p.user!, path: r.segments.join("/"), error: r.error });
      if (refused) return refused;
      return r.ok({ "@odata.context": `${r.base}/$metadata#users('${enc(user!.userPrincipalName)}')/mailboxSettings`, ...select({ timeZone: "UTC", dateFormat: "yyyy-MM-dd", timeFormat: "HH:mm" }, r.query) });
    },
  },
  // Places, service communications, governance
  { path: "places/microsoft.graph.room", roles: ["Place.Read.All"], denial: "workload", answer: (r) => list(r, "places/microsoft.graph.room", [{ id: stableGuid(r.tenant.id, "room"), displayName: "Conf Room Adams", emailAddress: `adams@${r.tenant.initialDomain}`, capacity: 8 }]) },
  { path: "admin/serviceAnnouncement/healthOverviews", roles: ["ServiceHealth.Read.All"], denial: "workload", answer: (r) => list(r, "admin/serviceAnnouncement/healthOverviews", [{ id: "Exchange", service: "Exchange Online", status: "serviceOperational" }]) },
  { path: "admin/serviceAnnouncement/messages", roles: ["ServiceMessage.Read.All"], denial: "workload", answer: (r) => list(r, "admin/serviceAnnouncement/messages", [{ id: "MC172851", title: "Updates to the message center", category: "planForChange" }]) },
  { path: "identityGovernance/termsOfUse/agreements", roles: ["Agreement.Read.All"], denial: "directory", answer: (r) => list(r, "identityGovernance/termsOfUse/agreements", [{ id: stableGuid(r.tenant.id, "agreement"), displayName: "Acceptable use" }]) },
  { path: "identityGovernance/accessReviews/definitions", roles: ["AccessReview.Read.All"], denial: "workload", answer: (r) => list(r, "identityGovernance/accessReviews/definitions", [{ id: stableGuid(r.tenant.id, "review"), displayName: "Guest access review", status: "InProgress" }]) },
];

const enc = encodeURIComponent;

function match(pattern: string, segments: string[]): Record<string, string> | null {
  const parts = pattern.split("/");
  if (parts.length !== segments.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i]!;
    if (p.startsWith("{") && p.endsWith("}")) params[p.slice(1, -1)] = segments[i]!;
    else if (p.toLowerCase() !== segments[i]!.toLowerCase()) return null;
  }
  return params;
}

/** The answer of a workload route for this request, or null when no workload route matches. */
export function answerWorkload(ctx: EmulatorContext, request: WorkloadRequest): GraphResponse | null {
  for (const route of ROUTES) {
    const params = match(route.path, request.segments);
    if (!params) continue;
    // Mailbox routes decide for themselves: Exchange RBAC for Applications may allow a call the token's roles do not.
    if (route.denial !== "mailbox" && !route.roles.some((r) => request.roles.has(r))) {
      const [code, message] = DENIALS[route.denial];
      return request.error(403, code, message);
    }
    return route.answer(request, params, ctx);
  }
  return null;
}

/** The role each workload route needs at least, for tests and the README. */
export const WORKLOAD_ROUTES: readonly { path: string; roles: readonly string[] }[] = ROUTES.map(({ path, roles }) => ({ path, roles }));
