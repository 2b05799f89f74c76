import { readFileSync } from "node:fs";
import { z } from "zod";

import { CONSENT_ADMIN_ROLES, RESOURCE_KEYS, RESOURCES, type ResourceKey } from "./catalog";
import { guidSchema } from "./guid";

const domain = z
  .string()
  .regex(/^(?=.{1,253}$)([a-z0-9-]{1,63}\.)+[a-z]{2,63}$/i, "must be a domain name such as contoso.com")
  .transform((s) => s.toLowerCase());

const grantSchema = z.object({
  resource: z.enum(RESOURCE_KEYS as [ResourceKey, ...ResourceKey[]]),
  roles: z.array(z.string().min(1)),
});

export const FAULT_ENDPOINTS = ["token", "metadata", "consent", "authorize", "graph", "batch", "exchange"] as const;
export const FAULT_KINDS = ["latency", "throttle", "error", "reset", "hang", "malformed"] as const;

export const faultSchema = z
  .object({
    endpoint: z.enum(FAULT_ENDPOINTS),
    kind: z.enum(FAULT_KINDS),
    /** Only requests for this tenant (GUID or domain, as resolved); all tenants when absent. */
    tenant: z.string().min(1).optional(),
    /** Probability from 0 to 1 that a matching request gets the fault. */
    rate: z.number().min(0).max(1).default(1),
    /** Stop after firing this many times. */
    times: z.number().int().positive().optional(),
    /** latency: added milliseconds. */
    latencyMs: z.number().min(0).max(600_000).optional(),
    /** throttle: Retry-After in seconds, fractions allowed. */
    retryAfterSeconds: z.number().min(0).max(3600).optional(),
    /** error: 500 or 503. */
    status: z.union([z.literal(500), z.literal(502), z.literal(503), z.literal(504)]).optional(),
  })
  .superRefine((fault, ctx) => {
    if (fault.kind === "latency" && fault.latencyMs === undefined) ctx.addIssue({ code: "custom", path: ["latencyMs"], message: "is required for a latency fault" });
  });
export type Fault = z.infer<typeof faultSchema>;

/**
 * App roles assigned to a user (or guest) per app, by client ID; sent in the id_token's `roles`
 * when that user signs in to that app.
 */
const assignedAppRolesSchema = z
  .record(z.string(), z.array(z.string().min(1), { error: "must be a list of app role values" }), {
    error: 'must map an app\'s client ID to its app role values, e.g. {"<clientId>": ["Consentry.Admin"]}',
  })
  .default({});

export const MAILBOX_KINDS = ["cloud", "onprem", "none", "inactive", "softDeleted"] as const;

/** The era of Graph's REST access to on-premises mailboxes; Microsoft ended it in March 2023. */
export const HYBRID_REST_API = ["retired", "pre-2023"] as const;

/**
 * Exchange Online's RBAC for Applications roles the sandbox knows ("Application Mail.Read", …):
 * the permission names Exchange gives them, the same as Graph's.
 * @see https://learn.microsoft.com/exchange/permissions-exo/application-rbac
 */
export const APPLICATION_RBAC_PERMISSIONS = [
  "Mail.Read",
  "Mail.ReadBasic",
  "Mail.ReadWrite",
  "Mail.Send",
  "MailboxSettings.Read",
  "MailboxSettings.ReadWrite",
  "Calendars.Read",
  "Calendars.ReadWrite",
  "Contacts.Read",
  "Contacts.ReadWrite",
  "EWS.AccessAsApp",
] as const;

/** A management role assignment for an app's service principal, scoped to some mailboxes. */
export const applicationRbacSchema = z.object({
  clientId: guidSchema,
  permission: z.enum(APPLICATION_RBAC_PERMISSIONS),
  /** The mailboxes (UPNs) the assignment's resource scope covers. */
  mailboxes: z.array(z.string().regex(/^[^@\s]+@[^@\s]+$/, "must look like name@domain").transform((s) => s.toLowerCase())),
  /** The management scope's name, as Test-ServicePrincipalAuthorization shows it. */
  scopeName: z.string().min(1).optional(),
});

/**
 * The tenant's Exchange Online: whether it has one at all, its EWS organization settings, and
 * RBAC for Applications assignments.
 */
export const exchangeSchema = z.object({
  /** false: the tenant has no Exchange Online (no subscription), so its resource principal does not exist. */
  online: z.boolean().default(true),
  /**
   * Get/Set-OrganizationConfig `EwsEnabled`. Microsoft set it to False on 2026-10-01 in every
   * tenant that had not set it, so `false` is the default.
   */
  ewsEnabled: z.boolean().nullable().default(false),
  /** Get/Set-OrganizationConfig `EwsAllowedAppIDs`: the app IDs allowed to use EWS when EwsEnabled is True. */
  ewsAllowedAppIds: z.array(guidSchema).nullable().default(null),
  applicationRbac: z.array(applicationRbacSchema).default([]),
});
export type ExchangeSettings = z.infer<typeof exchangeSchema>;

const userSchema = z.object({
  id: guidSchema,
  userPrincipalName: z.string().regex(/^[^@\s]+@[^@\s]+$/, "must look like name@domain"),
  displayName: z.string().min(1),
  /** Directory roles, e.g. "Global Administrator". */
  directoryRoles: z.array(z.string().min(1)).default([]),
  /**
   * Where the mailbox lives: Exchange Online, an on-premises server (hybrid), none, an inactive
   * mailbox (kept by a hold after its user was deleted) or a soft-deleted one (deleted, still
   * recoverable for 30 days).
   */
  mailbox: z.enum(MAILBOX_KINDS).default("cloud"),
  licensed: z.boolean().default(true),
  appRoles: assignedAppRolesSchema,
});

/**
 * A B2B guest (or GDAP-style technician): a user of another scenario tenant with its own
 * object in this tenant. Signing in here gives an id_token with this tenant's `tid` and the
 * guest object's `oid`, as Entra ID does for guests.
 * @see https://learn.microsoft.com/entra/identity-platform/id-token-claims-reference
 */
const guestSchema = z.object({
  /** The guest object's id in this tenant (never the home user's id). */
  id: guidSchema,
  /** The home user's id, in another tenant of the scenario. */
  user: guidSchema,
  /** Directory roles the guest holds in this tenant, e.g. "Privileged Role Administrator". */
  directoryRoles: z.array(z.string().min(1)).default([]),
  appRoles: assignedAppRolesSchema,
});

const tenantSchema = z.object({
  id: guidSchema,
  displayName: z.string().min(1),
  initialDomain: domain.refine((d) => d.endsWith(".onmicrosoft.com"), "must end with .onmicrosoft.com"),
  /** Other verified domains; the initial domain is added automatically. */
  domains: z.array(z.object({ name: domain, isDefault: z.boolean().default(false) })).default([]),
  users: z.array(userSchema).default([]),
  guests: z.array(guestSchema).default([]),
  /** State of the on-premises Exchange servers that hybrid mailboxes live on. */
  hybrid: z
    .object({
      /** Is V1S2SAppOnly in OAuthHttpModule.Profiles of the on-prem web.config? */
      v1s2sAppOnlyProfile: z.boolean().default(true),
      /** Does the Graph partner application on-prem have AppOnlyPermissions? */
      partnerAppOnlyPermissions: z.boolean().default(true),
      /**
       * "retired" (today): Graph answers on-prem mailboxes 404 MailboxNotEnabledForRESTAPI.
       * "pre-2023": Graph still proxies to the on-prem server, whose fix state above decides.
       */
      restApi: z.enum(HYBRID_REST_API).default("retired"),
    })
    .default({ v1s2sAppOnlyProfile: true, partnerAppOnlyPermissions: true, restApi: "retired" }),
  exchange: exchangeSchema.default({ online: true, ewsEnabled: false, ewsAllowedAppIds: null, applicationRbac: [] }),
  /** After a consent in this run: seconds of AADSTS7000229, then seconds of tokens without roles. */
  replication: z
    .object({ servicePrincipalSeconds: z.number().min(0).default(0), rolesSeconds: z.number().min(0).default(0) })
    .default({ servicePrincipalSeconds: 0, rolesSeconds: 0 }),
  /** An Exchange application access policy that denies the app every mailbox, whatever its permissions. */
  mailboxAccessPolicyDeniesApp: z.boolean().default(false),
  /** Probability that Exchange admin API calls addressing the tenant by GUID or a non-initial domain fail. */
  exchangeNonInitialFailureRate: z.number().min(0).max(1).default(0),
  /** Consents that exist when the emulator starts (already replicated). */
  consents: z
    .array(
      z.object({
        clientId: guidSchema,
        /** What was granted; defaults to everything the app is configured for. */
        grants: z.array(grantSchema).optional(),
        /** Directory roles assigned to the app's service principal (Exchange app-only needs one). */
        directoryRoles: z.array(z.string().min(1)).default([]),
        /** The service principal is disabled in the tenant (accountEnabled false): AADSTS7000112. */
        disabled: z.boolean().default(false),
        /** A Conditional Access policy for workload identities blocks the app: AADSTS53003. */
        conditionalAccessBlocked: z.boolean().default(false),
      }),
    )
    .default([]),
});

const appSchema = z.object({
  clientId: guidSchema,
  displayName: z.string().min(1),
  publisherName: z.string().min(1),
  homeTenantId: guidSchema,
  /** Web redirect URIs. As in Entra ID, the port of an http://localhost or http://127.0.0.1 URI is ignored. */
  redirectUris: z.array(z.string().url()).default([]),
  /** Client secrets; values are generated at start unless given. */
  secrets: z
    .array(
      z.object({
        id: z.string().min(1),
        expired: z.boolean().default(false),
        value: z.string().min(16).optional(),
        /** When the secret expires, in days from the emulator's start (the registration's `passwordCredentials[].endDateTime`); 365 when absent. */
        expiresInDays: z.number().int().min(1).max(3650).optional(),
      }),
    )
    .default([]),
  /** Certificates; key and certificate are generated at start. */
  certificates: z.array(z.object({ id: z.string().regex(/^[\w.-]+$/, "must be letters, digits, '.', '_' or '-'") })).default([]),
  /** Application permissions configured on the registration. */
  requiredResourceAccess: z.array(grantSchema).default([]),
  /** Directory roles the service principal receives when an admin consents in this run. */
  directoryRolesOnConsent: z.array(z.string().min(1)).default([]),
  /**
   * App roles the app declares for users (Graph application `appRoles`); users are assigned
   * them with `appRoles` on a user or guest.
   * @see https://learn.microsoft.com/graph/api/resources/approle
   */
  appRoles: z
    .array(
      z.object({
        id: guidSchema.optional(),
        value: z.string().regex(/^[^\s]+$/, "must be a value without spaces, e.g. Consentry.Admin"),
        displayName: z.string().min(1),
        description: z.string().min(1),
      }),
    )
    .default([]),
});

export const scenarioSchema = z
  .object({
    description: z.string().optional(),
    apps: z.array(appSchema).min(1, "must list at least one app registration"),
    tenants: z.array(tenantSchema).min(1, "must list at least one tenant"),
    faults: z.array(faultSchema).default([]),
  })
  .superRefine((scenario, ctx) => {
    const appIds = new Set(scenario.apps.map((a) => a.clientId));
    const tenantIds = new Set<string>();
    const domains = new Map<string, string>();
    const checkRoles = (grants: z.infer<typeof grantSchema>[], path: (string | number)[]) => {
      grants.forEach((grant, gi) =>
        grant.roles.forEach((role, ri) => {
          if (!(role in RESOURCES[grant.resource].roles)) {
            ctx.addIssue({
              code: "custom",
              path: [...path, gi, "roles", ri],
              message: `is not a known ${grant.resource} permission; known: ${Object.keys(RESOURCES[grant.resource].roles).join(", ")}`,
            });
          }
        }),
      );
    };
    scenario.apps.forEach((app, ai) => {
      checkRoles(app.requiredResourceAccess, ["apps", ai, "requiredResourceAccess"]);
      if (scenario.apps.findIndex((a) => a.clientId === app.clientId) !== ai) ctx.addIssue({ code: "custom", path: ["apps", ai, "clientId"], message: "is listed twice" });
      app.appRoles.forEach((role, ri) => {
        if (app.appRoles.findIndex((r) => r.value === role.value) !== ri) ctx.addIssue({ code: "custom", path: ["apps", ai, "appRoles", ri, "value"], message: "is declared twice" });
      });
    });
    // As in Entra ID, a user can only be assigned an app role the app declares.
    const checkAssignedAppRoles = (assigned: Record<string, string[]>, path: (string | number)[]) => {
      for (const [clientId, values] of Object.entries(assigned)) {
        const app = scenario.apps.find((a) => a.clientId === clientId.toLowerCase());
        if (!app) {
          ctx.addIssue({ code: "custom", path: [...path, clientId], message: "names no app in apps[]" });
          continue;
        }
        const declared = app.appRoles.map((r) => r.value);
        values.forEach((value, vi) => {
          if (!declared.includes(value)) {
            ctx.addIssue({
              code: "custom",
              path: [...path, clientId, vi],
              message: `"${value}" is not an app role of ${app.displayName}; ${declared.length ? `declared: ${declared.join(", ")}` : "it declares none (add it to the app's appRoles)"}`,
            });
          }
        });
      }
    };
    const checkDirectoryRoles = (roles: string[], path: (string | number)[]) => {
      for (const role of roles) {
        if (!/^[A-Z][A-Za-z ]+$/.test(role)) ctx.addIssue({ code: "custom", path, message: `"${role}" is not a directory role name` });
      }
    };
    // Object IDs are unique across the scenario, so a code or a token names one principal.
    const objectIds = new Map<string, string>();
    const claimObjectId = (id: string, owner: string, path: (string | number)[]) => {
      const previous = objectIds.get(id);
      if (previous) ctx.addIssue({ code: "custom", path, message: `is already the id of ${previous}` });
      else objectIds.set(id, owner);
    };
    scenario.tenants.forEach((tenant, ti) => {
      if (tenantIds.has(tenant.id)) ctx.addIssue({ code: "custom", path: ["tenants", ti, "id"], message: "is listed twice" });
      tenantIds.add(tenant.id);
      for (const [di, name] of [tenant.initialDomain, ...tenant.domains.map((d) => d.name)].entries()) {
        const owner = domains.get(name);
        if (owner && owner !== tenant.id) ctx.addIssue({ code: "custom", path: ["tenants", ti, di === 0 ? "initialDomain" : "domains"], message: `domain ${name} already belongs to tenant ${owner}` });
        domains.set(name, tenant.id);
      }
      if (tenant.domains.filter((d) => d.isDefault).length > 1) ctx.addIssue({ code: "custom", path: ["tenants", ti, "domains"], message: "has more than one default domain" });
      tenant.consents.forEach((consent, ci) => {
        if (!appIds.has(consent.clientId)) ctx.addIssue({ code: "custom", path: ["tenants", ti, "consents", ci, "clientId"], message: "names no app in apps[]" });
        if (consent.grants) checkRoles(consent.grants, ["tenants", ti, "consents", ci, "grants"]);
      });
      tenant.exchange.applicationRbac.forEach((assignment, ai) => {
        if (!appIds.has(assignment.clientId)) ctx.addIssue({ code: "custom", path: ["tenants", ti, "exchange", "applicationRbac", ai, "clientId"], message: "names no app in apps[]" });
        assignment.mailboxes.forEach((upn, mi) => {
          if (!tenant.users.some((u) => u.userPrincipalName.toLowerCase() === upn)) {
            ctx.addIssue({ code: "custom", path: ["tenants", ti, "exchange", "applicationRbac", ai, "mailboxes", mi], message: "names no user of this tenant" });
          }
        });
      });
      tenant.users.forEach((user, ui) => {
        checkDirectoryRoles(user.directoryRoles, ["tenants", ti, "users", ui, "directoryRoles"]);
        checkAssignedAppRoles(user.appRoles, ["tenants", ti, "users", ui, "appRoles"]);
        claimObjectId(user.id, `user ${user.userPrincipalName}`, ["tenants", ti, "users", ui, "id"]);
      });
    });
    scenario.tenants.forEach((tenant, ti) => {
      tenant.guests.forEach((guest, gi) => {
        const path = ["tenants", ti, "guests", gi];
        const home = scenario.tenants.find((t) => t.users.some((u) => u.id === guest.user));
        if (!home) ctx.addIssue({ code: "custom", path: [...path, "user"], message: "names no user of another tenant in tenants[]" });
        else if (home.id === tenant.id) ctx.addIssue({ code: "custom", path: [...path, "user"], message: "is a member of this tenant, not a guest" });
        if (tenant.guests.findIndex((g) => g.user === guest.user) !== gi) ctx.addIssue({ code: "custom", path: [...path, "user"], message: "is a guest of this tenant twice" });
        checkDirectoryRoles(guest.directoryRoles, [...path, "directoryRoles"]);
        checkAssignedAppRoles(guest.appRoles, [...path, "appRoles"]);
        claimObjectId(guest.id, `a guest in ${tenant.displayName}`, [...path, "id"]);
      });
    });
    scenario.apps.forEach((app, ai) => {
      if (!tenantIds.has(app.homeTenantId)) ctx.addIssue({ code: "custom", path: ["apps", ai, "homeTenantId"], message: "names no tenant in tenants[]" });
    });
  });

export type Scenario = z.infer<typeof scenarioSchema>;
export type ScenarioTenant = Scenario["tenants"][number];
export type ScenarioUser = ScenarioTenant["users"][number];
export type ScenarioGuest = ScenarioTenant["guests"][number];
export type ScenarioApp = Scenario["apps"][number];
export type Grant = z.infer<typeof grantSchema>;

export class ScenarioError extends Error {
  constructor(
    readonly source: string,
    readonly problems: string[],
  ) {
    super(`Scenario ${source} is not valid:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ScenarioError";
  }
}

function formatPath(path: PropertyKey[]): string {
  return path.reduce<string>((out, part) => (typeof part === "number" ? `${out}[${part}]` : out ? `${out}.${String(part)}` : String(part)), "");
}

/** Validates a parsed scenario; errors name the path of each bad field, e.g. tenants[2].users[0].id. */
export function parseScenario(raw: unknown, source = "(inline)"): Scenario {
  const result = scenarioSchema.safeParse(raw);
  if (!result.success) {
    throw new ScenarioError(
      source,
      result.error.issues.map((issue) => `${formatPath(issue.path) || "(root)"}: ${issue.message}`),
    );
  }
  return result.data;
}

export function loadScenarioFile(file: string): Scenario {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new ScenarioError(file, [`cannot be read (${(error as NodeJS.ErrnoException).code ?? "error"})`]);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new ScenarioError(file, [`is not valid JSON: ${(error as Error).message}`]);
  }
  return parseScenario(raw, file);
}

export function isConsentAdmin(user: ScenarioUser): boolean {
  return user.directoryRoles.some((r) => CONSENT_ADMIN_ROLES.includes(r));
}
