/**
 * Partner staff roles. Entra puts the values of the app's app roles that a user (or one
 * of their groups) is assigned into the id_token's `roles` claim; Consentry maps them to
 * three ordered roles, each allowing everything the one below it does.
 *
 * Pure and free of server-only imports: pages and client components use the same table
 * to hide what a role cannot use, while the server check in requirePartner decides.
 *
 * @see https://learn.microsoft.com/entra/identity-platform/howto-add-app-roles-in-apps
 */

export const PARTNER_ROLES = ["reader", "operator", "admin"] as const;
export type PartnerRole = (typeof PARTNER_ROLES)[number];

/** The app role values to create on the app registration, exactly as Entra must send them. */
export const APP_ROLE_VALUES: Record<PartnerRole, string> = {
  reader: "Consentry.Reader",
  operator: "Consentry.Operator",
  admin: "Consentry.Admin",
};

export const ROLE_LABELS: Record<PartnerRole, string> = {
  reader: "Reader",
  operator: "Operator",
  admin: "Admin",
};

/** What each role adds, for the pages that explain roles to people. */
export const ROLE_DESCRIPTIONS: Record<PartnerRole, string> = {
  reader: "sees tenants, probe results, invites and the audit log",
  operator: "also runs probes and bulk tests, imports tenants and creates, renews and revokes invites",
  admin: "also manages the portal's settings, such as signing everyone out",
};

/**
 * Every action partner staff can take, with the least role that may take it. Server
 * guards pass these (`requirePartner(MINIMUM_ROLE.runProbes)`) so the table is the one
 * place that says who may do what.
 */
export const MINIMUM_ROLE = {
  viewDashboard: "reader",
  viewAuditLog: "reader",
  viewBulkProgress: "reader",
  explainError: "reader",
  runProbes: "operator",
  setTestMailbox: "operator",
  makeReconsentLink: "operator",
  startBulkRun: "operator",
  importTenant: "operator",
  manageInvites: "operator",
  manageWebhooks: "admin",
  viewSettings: "admin",
  signEveryoneOut: "admin",
  manageApiKeys: "admin",
  manageSchedule: "admin",
  offboardTenant: "admin",
} as const satisfies Record<string, PartnerRole>;
export type Capability = keyof typeof MINIMUM_ROLE;

function rank(role: PartnerRole): number {
  return PARTNER_ROLES.indexOf(role);
}

export function isPartnerRole(value: unknown): value is PartnerRole {
  return typeof value === "string" && (PARTNER_ROLES as readonly string[]).includes(value);
}

/** True when `role` is `minimum` or above it. */
export function hasRole(role: PartnerRole, minimum: PartnerRole): boolean {
  return rank(role) >= rank(minimum);
}

export function can(role: PartnerRole, capability: Capability): boolean {
  return hasRole(role, MINIMUM_ROLE[capability]);
}

/**
 * The partner role an id_token's `roles` claim gives: the highest one named, or null
 * when none is. Values are compared exactly, as Entra sends the app role's value
 * verbatim; unknown values (other apps' roles never reach this token, but a typo on the
 * registration would) are ignored rather than guessed at.
 */
export function partnerRoleFromClaims(roles: readonly string[]): PartnerRole | null {
  return [...PARTNER_ROLES].reverse().find((role) => roles.includes(APP_ROLE_VALUES[role])) ?? null;
}

/** "the Operator role (app role Consentry.Operator)" — how pages name a role to ask for. */
export function describeRole(role: PartnerRole): string {
  return `the ${ROLE_LABELS[role]} role (app role ${APP_ROLE_VALUES[role]})`;
}
