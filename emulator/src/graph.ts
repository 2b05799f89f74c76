import { createHash, randomUUID } from "node:crypto";

import { answerRegistrationRequest } from "./applications";
import { GRAPH_ROLE_RULES, RESOURCES, type ResourceKey } from "./catalog";
import type { EmulatorContext } from "./context";
import { guidIn } from "./guid";
import { graphErrorBody } from "./http";
import { mailboxAccess } from "./mailbox";
import { answerWorkload } from "./workloads";
import type { ScenarioTenant, ScenarioUser } from "./scenario";
import { verifyBearer, type BearerCheck } from "./tokens";

export interface GraphRequest {
  method: string;
  /** Path and query below the host, e.g. /v1.0/users?$top=1. */
  url: string;
  authorization: string | undefined;
  clientRequestId: string | undefined;
  body?: unknown;
  /** The bearer token already checked (a $batch checks its token once for all its requests). */
  auth?: BearerCheck;
}

export interface GraphResponse {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

/** A Graph answer with the request-id headers Graph sends. */
export function graphResponse(status: number, body: unknown, requestId: string, clientRequestId: string, extra: Record<string, string> = {}): GraphResponse {
  return { status, headers: { "content-type": "application/json", "request-id": requestId, "client-request-id": clientRequestId, ...extra }, body };
}

/** Applies `$select` the way Graph does: only the listed properties (and @odata annotations) remain. */
export function select<T extends Record<string, unknown>>(item: T, query: URLSearchParams): Record<string, unknown> {
  const raw = query.get("$select");
  if (!raw) return item;
  const wanted = new Set(raw.split(",").map((s) => s.trim()).filter(Boolean));
  return Object.fromEntries(Object.entries(item).filter(([k]) => wanted.has(k) || k.startsWith("@odata")));
}

export function stableId(...parts: string[]): string {
  const hex = createHash("sha256").update(parts.join("|")).digest("hex");
  return `AAMk${Buffer.from(hex, "hex").toString("base64url").slice(0, 40)}`;
}

function organizationOf(tenant: ScenarioTenant) {
  const defaultDomain = tenant.domains.find((d) => d.isDefault)?.name ?? tenant.initialDomain;
  return {
    id: tenant.id,
    displayName: tenant.displayName,
    tenantType: "AAD",
    countryLetterCode: "US",
    verifiedDomains: [
      { capabilities: "Email, OfficeCommunicationsOnline", isDefault: defaultDomain === tenant.initialDomain, isInitial: true, name: tenant.initialDomain, type: "Managed" },
      ...tenant.domains
        .filter((d) => d.name !== tenant.initialDomain)
        .map((d) => ({ capabilities: "Email", isDefault: d.name === defaultDomain, isInitial: false, name: d.name, type: "Managed" })),
    ],
  };
}

function domainsOf(tenant: ScenarioTenant) {
  const defaultDomain = tenant.domains.find((d) => d.isDefault)?.name ?? tenant.initialDomain;
  const names = [tenant.initialDomain, ...tenant.domains.map((d) => d.name).filter((n) => n !== tenant.initialDomain)];
  return names.map((name) => ({
    id: name,
    authenticationType: "Managed",
    isAdminManaged: true,
    isDefault: name === defaultDomain,
    isInitial: name === tenant.initialDomain,
    isRoot: true,
    isVerified: true,
    supportedServices: ["Email"],
  }));
}

/** The Exchange Online (Plan 2) SKU, given to licensed users. */
const EXCHANGE_SKU = "19ec0d23-8335-4cbd-94ac-6050e30712fa";

function userOf(user: ScenarioUser) {
  return {
    id: user.id,
    userPrincipalName: user.userPrincipalName,
    displayName: user.displayName,
    mail: user.mailbox === "none" ? null : user.userPrincipalName,
    accountEnabled: true,
    assignedLicenses: user.licensed ? [{ disabledPlans: [], skuId: EXCHANGE_SKU }] : [],
    // A user whose mailbox is on an on-premises server is synced from that directory; cloud users
    // read null, as Graph returns for objects never synced. @see https://learn.microsoft.com/graph/api/resources/user
    onPremisesSyncEnabled: user.mailbox === "onprem" ? true : null,
  };
}

function mailboxItems(kind: "messages" | "events" | "contacts", tenant: ScenarioTenant, user: ScenarioUser) {
  return [1, 2, 3].map((n) => {
    const id = stableId(tenant.id, user.id, kind, String(n));
    if (kind === "messages") return { id, subject: `Quarterly report ${n}`, receivedDateTime: new Date(Date.UTC(2026, 0, n)).toISOString().replace(".000", "") };
    if (kind === "events") return { id, subject: `Planning meeting ${n}`, start: { dateTime: `2026-02-0${n}T09:00:00.0000000`, timeZone: "UTC" } };
    return { id, displayName: `Contact ${n}`, emailAddresses: [{ address: `contact${n}@example.com` }] };
  });
}

/** Answers one Graph request, as if sent alone. Used directly and for each request of a $batch. */
export async function handleGraph(ctx: EmulatorContext, request: GraphRequest): Promise<GraphResponse> {
  const requestId = randomUUID();
  const clientRequestId = request.clientRequestId ?? randomUUID();
  const error = (status: number, code: string, message: string, extra: Record<string, string> = {}) =>
    graphResponse(status, graphErrorBody(code, message, requestId, clientRequestId), requestId, clientRequestId, extra);
  const ok = (body: unknown) => graphResponse(200, body, requestId, clientRequestId);

  const url = new URL(request.url, ctx.graphHost);
  const path = url.pathname.replace(/\/+$/, "");
  const query = url.searchParams;
  if (!path.startsWith("/v1.0/")) return error(400, "BadRequest", `Invalid version: ${path.split("/")[1] ?? ""}`);

  const auth = request.auth ?? verifyBearer(ctx, request.authorization, "graph");
  if (!auth.ok) return error(401, "InvalidAuthenticationToken", auth.message, { "www-authenticate": `Bearer realm="", authorization_uri="${ctx.authorityHost}/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000"` });
  const tenant = ctx.state.tenants.get(auth.claims.tid)!;
  const roles = new Set(auth.claims.roles ?? []);
  const allowed = (rule: readonly string[]) => rule.some((r) => roles.has(r));
  const directoryDenied = () => error(403, "Authorization_RequestDenied", "Insufficient privileges to complete the operation.");
  const base = `${ctx.graphHost}/v1.0`;
  if (request.method !== "GET") return error(405, "Request_BadRequest", `Specified HTTP method is not allowed for the request target.`);

  const segments = path.split("/").slice(2).map(decodeURIComponent);
  const registration = answerRegistrationRequest(ctx, tenant, roles, segments[0], segments.slice(1), query, ok, error);
  if (registration) return registration;
  // servicePrincipals(appId='…') is Graph's alternate key; read it as servicePrincipals/<id>.
  const alternate = guidIn("servicePrincipals(appId='{guid}')", segments[0] ?? "");
  if (alternate) {
    const sp = ctx.state.servicePrincipal(tenant.id, alternate.toLowerCase());
    segments.splice(0, 1, "servicePrincipals", sp?.id ?? `appId=${alternate}`);
  }
  // Workloads beyond the directory and mailboxes (groups, security, Intune, Teams, sites, …).
  const workload = answerWorkload(ctx, { tenant, appId: String(auth.claims.appid ?? ""), roles, segments, query, base, error, ok, redirect: (location) => graphResponse(302, null, requestId, clientRequestId, { location }) });
  if (workload) return workload;
  const [collection, id, sub, ...rest] = segments;
  if (rest.length > 0) return error(400, "BadRequest", `Resource not found for the segment '${rest[0]}'.`);

  if (collection === "organization" && !id) {
    if (!allowed(GRAPH_ROLE_RULES.organization)) return directoryDenied();
    return ok({ "@odata.context": `${base}/$metadata#organization`, value: [select(organizationOf(tenant), query)] });
  }
  if (collection === "domains" && !id) {
    if (!allowed(GRAPH_ROLE_RULES.domains)) return directoryDenied();
    return ok({ "@odata.context": `${base}/$metadata#domains`, value: domainsOf(tenant).map((d) => select(d, query)) });
  }
  if (collection === "users" && !id) {
    if (!allowed(GRAPH_ROLE_RULES.users)) return directoryDenied();
    const topRaw = query.get("$top");
    const top = topRaw === null ? 100 : Number(topRaw);
    if (!Number.isInteger(top) || top < 1 || top > 999) return error(400, "Request_BadRequest", `Invalid page size specified: '${topRaw}'. Must be between 1 and 999 inclusive.`);
    const skip = Number(query.get("$skiptoken") ?? 0);
    if (!Number.isInteger(skip) || skip < 0) return error(400, "Request_BadRequest", "The specified page token value has expired and can no longer be included in your request.");
    const users = tenant.users.slice(skip, skip + top).map((u) => select(userOf(u), query));
    const body: Record<string, unknown> = { "@odata.context": `${base}/$metadata#users`, value: users };
    if (skip + top < tenant.users.length) {
      const next = new URL(`${base}/users`);
      for (const [k, v] of query) if (k !== "$skiptoken") next.searchParams.set(k, v);
      next.searchParams.set("$skiptoken", String(skip + top));
      body["@odata.nextLink"] = next.toString();
    }
    return ok(body);
  }
  if (collection === "users" && id) {
    const user = ctx.state.findUser(tenant, id);
    if (!sub) {
      if (!allowed(GRAPH_ROLE_RULES.users)) return directoryDenied();
      if (!user) return error(404, "Request_ResourceNotFound", `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`);
      return ok({ "@odata.context": `${base}/$metadata#users/$entity`, ...select(userOf(user), query) });
    }
    if (sub !== "messages" && sub !== "events" && sub !== "contacts") return error(400, "BadRequest", `Resource not found for the segment '${sub}'.`);
    const refused = mailboxAccess(ctx, { tenant, appId: String(auth.claims.appid ?? ""), roles, rule: GRAPH_ROLE_RULES[sub], user, id, path: segments.join("/"), error });
    if (refused || !user) return refused!;
    const topRaw = query.get("$top");
    const top = topRaw === null ? 10 : Number(topRaw);
    if (!Number.isInteger(top) || top < 1 || top > 1000) return error(400, "ErrorInvalidUrlQuery", `The value '${topRaw}' of parameter '$top' is invalid.`);
    const items = mailboxItems(sub, tenant, user).slice(0, top).map((m) => select(m, query));
    return ok({ "@odata.context": `${base}/$metadata#users('${user.id}')/${sub}`, value: items });
  }
  if (collection === "servicePrincipals" && !id) {
    if (!allowed(GRAPH_ROLE_RULES.servicePrincipals)) return directoryDenied();
    const filter = query.get("$filter");
    const filtered = filter ? guidIn("appId eq '{guid}'", filter.trim()) : null;
    if (!filtered) return error(400, "Request_UnsupportedQuery", "The emulator supports only $filter=appId eq '<guid>' on servicePrincipals.");
    const appId = filtered.toLowerCase();
    const sp = ctx.state.servicePrincipal(tenant.id, appId);
    const app = ctx.state.apps.get(appId);
    const value = sp && app
      ? [select({ id: sp.id, appId, displayName: app.scenario.displayName, appOwnerOrganizationId: app.scenario.homeTenantId, servicePrincipalType: "Application", accountEnabled: true }, query)]
      : [];
    return ok({ "@odata.context": `${base}/$metadata#servicePrincipals`, value });
  }
  if (collection === "servicePrincipals" && id && sub === "appRoleAssignments") {
    if (!allowed(GRAPH_ROLE_RULES.servicePrincipals)) return directoryDenied();
    const sp = ctx.state.servicePrincipalById(tenant.id, id);
    if (!sp) return error(404, "Request_ResourceNotFound", `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`);
    const app = ctx.state.apps.get(sp.appId)!;
    const value = (Object.keys(sp.grants) as ResourceKey[]).flatMap((resource) =>
      sp.grants[resource].map((role) => ({
        id: ctx.state.assignmentId(sp, resource, role),
        appRoleId: RESOURCES[resource].roles[role]!.id,
        createdDateTime: new Date(sp.consentedAt || ctx.state.clock()).toISOString(),
        principalDisplayName: app.scenario.displayName,
        principalId: sp.id,
        principalType: "ServicePrincipal",
        resourceDisplayName: RESOURCES[resource].displayName,
        resourceId: ctx.state.resourceServicePrincipalId(tenant.id, resource),
      })),
    );
    return ok({ "@odata.context": `${base}/$metadata#servicePrincipals('${sp.id}')/appRoleAssignments`, value });
  }
  return error(400, "BadRequest", `Resource not found for the segment '${collection ?? ""}'.`);
}
