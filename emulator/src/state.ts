import { randomBytes, randomUUID } from "node:crypto";

import { RESOURCES, type ResourceKey } from "./catalog";
import type { ClientCertificate } from "./pki";
import { randomId } from "./random";
import type { Fault, Grant, Scenario, ScenarioApp, ScenarioTenant, ScenarioUser } from "./scenario";
import type { BearerClaims } from "./tokens";

export interface AppSecret {
  id: string;
  value: string;
  expired: boolean;
}

export interface AppState {
  scenario: ScenarioApp;
  secrets: AppSecret[];
  certificates: (ClientCertificate & { id: string })[];
}

export interface ServicePrincipal {
  id: string;
  appId: string;
  tenantId: string;
  /** When consent happened (ms); replication delays count from here. */
  consentedAt: number;
  grants: Record<ResourceKey, string[]>;
  directoryRoles: string[];
  /** accountEnabled false in the tenant: the token endpoint answers AADSTS7000112. */
  disabled: boolean;
  /** A Conditional Access policy for workload identities blocks it: AADSTS53003. */
  conditionalAccessBlocked: boolean;
  /** Per resource, the assignment ids (stable across reads). */
  assignmentIds: Map<string, string>;
}

export interface AuthCode {
  clientId: string;
  redirectUri: string;
  tenantId: string;
  userId: string;
  scope: string;
  nonce: string | undefined;
  codeChallenge: string | undefined;
  expiresAt: number;
}

/** Someone who can sign in to a tenant: one of its users, or a guest whose account lives in another tenant. */
export interface Principal {
  tenant: ScenarioTenant;
  /** For a guest: the home user's name and UPN with the guest object's id and roles in `tenant`. */
  user: ScenarioUser;
  /** A guest's home tenant and user; absent for members. */
  home?: { tenant: ScenarioTenant; user: ScenarioUser };
}

/** The account (home user id) that signs in as this principal. */
export function accountOf(principal: Principal): string {
  return principal.home?.user.id ?? principal.user.id;
}

/** The accounts signed in on the login host in one browser, most recent first. */
export interface SignInSession {
  accounts: string[];
}

/** Sessions kept at most; the least recently used makes room. */
const MAX_SIGN_IN_SESSIONS = 10_000;

export interface ConsentRecord {
  tenantId: string;
  clientId: string;
  userId: string;
  at: number;
  version: "v1" | "v2";
}

function emptyGrants(): Record<ResourceKey, string[]> {
  return { graph: [], exchange: [], sharepoint: [] };
}

export function grantsFrom(list: Grant[]): Record<ResourceKey, string[]> {
  const grants = emptyGrants();
  for (const grant of list) grants[grant.resource] = [...new Set([...grants[grant.resource], ...grant.roles])].sort();
  return grants;
}

/** Everything the emulator knows and changes while it runs. */
export class EmulatorState {
  readonly tenants = new Map<string, ScenarioTenant>();
  private readonly domainIndex = new Map<string, string>();
  readonly apps = new Map<string, AppState>();
  private readonly servicePrincipals = new Map<string, ServicePrincipal>();
  /** jti → the assertion that first used it, until it expires. */
  readonly usedAssertionIds = new Map<string, { expiry: number; fingerprint: string }>();
  readonly authCodes = new Map<string, AuthCode>();
  /** Opaque session id (the login host's cookie) → who is signed in in that browser. */
  private readonly signInSessions = new Map<string, SignInSession>();
  /** Per tenant, its guests as principals. */
  private readonly guests = new Map<string, Principal[]>();
  readonly consents: ConsentRecord[] = [];
  faults: (Fault & { fired: number })[] = [];
  /** Requests answered, by kind (token, batch, exchange, …), for diagnostics. */
  readonly requestCounts = new Map<string, number>();
  /** Bearer tokens whose signature was already checked, by resource, until they expire. */
  readonly validatedTokens = new Map<string, { claims: BearerClaims; exp: number }>();
  /** Per tenant, the simulated on-premises Exchange server's IIS log lines (pre-2023 hybrid only), oldest first. */
  readonly iisLogs = new Map<string, string[]>();
  /** Stable object IDs of the first-party resource service principals per tenant. */
  private readonly resourceSpIds = new Map<string, string>();

  constructor(
    scenario: Scenario,
    apps: AppState[],
    private readonly now: () => number = Date.now,
  ) {
    for (const tenant of scenario.tenants) {
      this.tenants.set(tenant.id, structuredClone(tenant));
      this.domainIndex.set(tenant.initialDomain, tenant.id);
      for (const d of tenant.domains) this.domainIndex.set(d.name, tenant.id);
    }
    for (const tenant of this.tenants.values()) {
      this.guests.set(
        tenant.id,
        tenant.guests.flatMap((guest) => {
          const home = this.findUserAnywhere(guest.user);
          if (!home) return [];
          const user: ScenarioUser = { ...home.user, id: guest.id, directoryRoles: guest.directoryRoles, appRoles: guest.appRoles, mailbox: "none", licensed: false };
          return [{ tenant, user, home }];
        }),
      );
    }
    for (const app of apps) this.apps.set(app.scenario.clientId, app);
    for (const tenant of scenario.tenants) {
      for (const consent of tenant.consents) {
        const app = this.apps.get(consent.clientId)!;
        const sp = this.createServicePrincipal(tenant.id, consent.clientId, grantsFrom(consent.grants ?? app.scenario.requiredResourceAccess), consent.directoryRoles, 0);
        sp.disabled = consent.disabled;
        sp.conditionalAccessBlocked = consent.conditionalAccessBlocked;
      }
    }
    this.setFaults(scenario.faults);
  }

  /** Resolves a tenant path segment: GUID or any verified domain. */
  resolveTenant(segment: string): ScenarioTenant | null {
    const key = segment.toLowerCase();
    const id = this.tenants.has(key) ? key : this.domainIndex.get(key);
    return id ? this.tenants.get(id)! : null;
  }

  findUser(tenant: ScenarioTenant, idOrUpn: string): ScenarioUser | null {
    const key = idOrUpn.toLowerCase();
    return tenant.users.find((u) => u.id === key || u.userPrincipalName.toLowerCase() === key) ?? null;
  }

  findUserAnywhere(userId: string): { tenant: ScenarioTenant; user: ScenarioUser } | null {
    for (const tenant of this.tenants.values()) {
      const user = tenant.users.find((u) => u.id === userId);
      if (user) return { tenant, user };
    }
    return null;
  }

  /** Who can sign in at a tenant (its users, then its guests); every tenant's users for `organizations` / `common`. */
  principals(tenant: ScenarioTenant | null): Principal[] {
    if (tenant) return [...tenant.users.map((user) => ({ tenant, user })), ...(this.guests.get(tenant.id) ?? [])];
    return [...this.tenants.values()].flatMap((t) => t.users.map((user) => ({ tenant: t, user })));
  }

  findPrincipal(tenantId: string, objectId: string): Principal | null {
    const tenant = this.tenants.get(tenantId);
    return (tenant && this.principals(tenant).find((p) => p.user.id === objectId)) ?? null;
  }

  /**
   * Adds an account to the browser's sign-in session (most recent first) and returns the
   * session id to set in the cookie; an unknown id starts a new session, so a browser cannot
   * choose its own (no session fixation).
   */
  rememberSignIn(sessionId: string | undefined, accountId: string): string {
    const existing = sessionId ? this.signInSessions.get(sessionId) : undefined;
    const id = existing ? sessionId! : randomBytes(32).toString("base64url");
    const accounts = [accountId, ...(existing?.accounts ?? []).filter((a) => a !== accountId)];
    this.signInSessions.delete(id);
    if (this.signInSessions.size >= MAX_SIGN_IN_SESSIONS) this.signInSessions.delete(this.signInSessions.keys().next().value!);
    this.signInSessions.set(id, { accounts });
    return id;
  }

  /** The accounts signed in in the browser holding this session id, most recent first. */
  signedInAccounts(sessionId: string | undefined): string[] {
    return (sessionId && this.signInSessions.get(sessionId)?.accounts) || [];
  }

  servicePrincipal(tenantId: string, clientId: string): ServicePrincipal | null {
    return this.servicePrincipals.get(`${tenantId}:${clientId}`) ?? null;
  }

  servicePrincipalById(tenantId: string, id: string): ServicePrincipal | null {
    for (const sp of this.servicePrincipals.values()) if (sp.tenantId === tenantId && sp.id === id.toLowerCase()) return sp;
    return null;
  }

  resourceServicePrincipalId(tenantId: string, resource: ResourceKey): string {
    const key = `${tenantId}:${resource}`;
    let id = this.resourceSpIds.get(key);
    if (!id) {
      id = randomUUID();
      this.resourceSpIds.set(key, id);
    }
    return id;
  }

  /**
   * Creates or updates the app's service principal in a tenant. Consent adds to what
   * was granted (as Entra ID does); `delayFrom` is when replication starts (0 = long ago).
   */
  createServicePrincipal(tenantId: string, clientId: string, grants: Record<ResourceKey, string[]>, directoryRoles: string[], delayFrom: number): ServicePrincipal {
    const existing = this.servicePrincipal(tenantId, clientId);
    if (existing) {
      for (const key of Object.keys(grants) as ResourceKey[]) existing.grants[key] = [...new Set([...existing.grants[key], ...grants[key]])].sort();
      existing.directoryRoles = [...new Set([...existing.directoryRoles, ...directoryRoles])];
      return existing;
    }
    const sp: ServicePrincipal = { id: randomUUID(), appId: clientId, tenantId, consentedAt: delayFrom, grants, directoryRoles: [...directoryRoles], disabled: false, conditionalAccessBlocked: false, assignmentIds: new Map() };
    this.servicePrincipals.set(`${tenantId}:${clientId}`, sp);
    return sp;
  }

  removeServicePrincipal(tenantId: string, clientId: string): boolean {
    return this.servicePrincipals.delete(`${tenantId}:${clientId}`);
  }

  recordConsent(record: Omit<ConsentRecord, "at">): void {
    this.consents.push({ ...record, at: this.now() });
  }

  /** Replication phase of a service principal right now. */
  replicationPhase(tenant: ScenarioTenant, sp: ServicePrincipal): "missing" | "no-roles" | "ready" {
    const elapsed = (this.now() - sp.consentedAt) / 1000;
    if (elapsed < tenant.replication.servicePrincipalSeconds) return "missing";
    if (elapsed < tenant.replication.servicePrincipalSeconds + tenant.replication.rolesSeconds) return "no-roles";
    return "ready";
  }

  assignmentId(sp: ServicePrincipal, resource: ResourceKey, role: string): string {
    const key = `${resource}:${role}`;
    let id = sp.assignmentIds.get(key);
    if (!id) {
      id = randomId(32);
      sp.assignmentIds.set(key, id);
    }
    return id;
  }

  /** Appends a line to a tenant's simulated on-prem IIS log, keeping the last 1,000. */
  appendIisLog(tenantId: string, line: string): void {
    const lines = this.iisLogs.get(tenantId) ?? [];
    lines.push(line);
    if (lines.length > 1000) lines.shift();
    this.iisLogs.set(tenantId, lines);
  }

  setFaults(faults: Fault[]): void {
    this.faults = faults.map((f) => ({ ...f, fired: 0 }));
  }

  /** The faults that fire for one request, in declaration order. */
  drawFaults(endpoint: Fault["endpoint"], tenantId: string | null, random: () => number = Math.random): Fault[] {
    const fired: Fault[] = [];
    for (const fault of this.faults) {
      if (fault.endpoint !== endpoint) continue;
      if (fault.tenant) {
        const target = this.resolveTenant(fault.tenant);
        if (!target || target.id !== tenantId) continue;
      }
      if (fault.times !== undefined && fault.fired >= fault.times) continue;
      if (random() >= fault.rate) continue;
      fault.fired++;
      fired.push(fault);
    }
    return fired;
  }

  isRoleKnown(resource: ResourceKey, role: string): boolean {
    return role in RESOURCES[resource].roles;
  }

  clock(): number {
    return this.now();
  }
}
