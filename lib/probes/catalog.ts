import { z } from "zod";

import { parseOrganization } from "@/lib/graph/organization-profile";
import { permissionByAppRoleId } from "@/lib/permissions/catalog";

/** What a probe knows about the tenant when it builds its request. */
export interface ProbeContext {
  clientId: string;
  mailbox: string | null;
  initialDomain: string | null;
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
}

export interface GraphProbe {
  kind: "graph";
  key: string;
  permission: string;
  title: string;
  /** What a pass proves. */
  proves: string;
  needsMailbox: boolean;
  /** The request below /v1.0. */
  path(ctx: ProbeContext): string;
  /** Reads what a 2xx answer says; a body that does not parse fails the probe. */
  read(body: unknown): { note: string; learned?: ProbeLearned } | null;
}

export interface ExchangeProbe {
  kind: "exchange";
  key: "exchange";
  permission: "Exchange.ManageAsApp";
  title: string;
  proves: string;
  cmdlet: string;
}

export type Probe = GraphProbe | ExchangeProbe;

const collection = <T extends z.ZodTypeAny>(item: T) => z.object({ value: z.array(item) });

// Built once: zod schemas are costly to construct, and probes run thousands of times.
const domainsAnswer = collection(z.object({ id: z.string(), isInitial: z.boolean().optional(), isDefault: z.boolean().optional() }));
const usersAnswer = collection(z.object({ id: z.string(), userPrincipalName: z.string(), mail: z.string().nullable().optional(), assignedLicenses: z.array(z.unknown()).optional() }));
const assignmentsAnswer = collection(z.object({ appRoleId: z.string() }));
const idsAnswer = collection(z.object({ id: z.string() }));

const enc = encodeURIComponent;

/**
 * One probe per permission: a small declarative entry. Adding a probe is adding an
 * entry here (and its test); the runner batches every Graph probe into one round trip.
 */
export const PROBES: readonly Probe[] = [
  {
    kind: "graph",
    key: "organization",
    permission: "Organization.Read.All",
    title: "Organization profile",
    proves: "the tenant's name and its verified, initial and default domains can be read",
    needsMailbox: false,
    path: () => "/organization?$select=id,displayName,verifiedDomains",
    read: (body) => {
      const org = parseOrganization(body);
      if (!org) return null;
      return { note: `${org.displayName ?? "(no name)"}; initial domain ${org.initialDomain ?? "unknown"}`, learned: org };
    },
  },
  {
    kind: "graph",
    key: "domains",
    permission: "Domain.Read.All",
    title: "Domains",
    proves: "the domain list, including the initial .onmicrosoft.com domain, can be read",
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
    key: "users",
    permission: "User.Read.All",
    title: "Users",
    proves: "the directory's users can be read",
    needsMailbox: false,
    path: () => "/users?$top=25&$select=id,userPrincipalName,mail,assignedLicenses",
    read: (body) => {
      const parsed = usersAnswer.safeParse(body);
      if (!parsed.success) return null;
      const candidate = parsed.data.value.find((u) => u.mail && (u.assignedLicenses?.length ?? 0) > 0);
      return { note: `read ${parsed.data.value.length} user(s)`, learned: { mailboxCandidate: candidate?.userPrincipalName ?? null } };
    },
  },
  {
    kind: "graph",
    key: "application",
    permission: "Application.Read.All",
    title: "What was granted",
    proves: "the app's service principal and the application permissions really granted to it can be read",
    needsMailbox: false,
    path: (ctx) => `/servicePrincipals(appId='${ctx.clientId}')/appRoleAssignments`,
    read: (body) => {
      const parsed = assignmentsAnswer.safeParse(body);
      if (!parsed.success) return null;
      const granted = parsed.data.value.map((a) => permissionByAppRoleId(a.appRoleId)?.name ?? `appRole:${a.appRoleId}`).sort();
      return { note: `${granted.length} application permission(s) granted`, learned: { grantedRoles: granted } };
    },
  },
  {
    kind: "graph",
    key: "mail",
    permission: "Mail.Read",
    title: "Mail",
    proves: "mail in the test mailbox can be read app-only",
    needsMailbox: true,
    path: (ctx) => `/users/${enc(ctx.mailbox!)}/messages?$top=1&$select=id`,
    read: (body) => (idsAnswer.safeParse(body).success ? { note: "read the newest message" } : null),
  },
  {
    kind: "graph",
    key: "calendars",
    permission: "Calendars.Read",
    title: "Calendar",
    proves: "the test mailbox's calendar can be read app-only",
    needsMailbox: true,
    path: (ctx) => `/users/${enc(ctx.mailbox!)}/events?$top=1&$select=id`,
    read: (body) => (idsAnswer.safeParse(body).success ? { note: "read an event" } : null),
  },
  {
    kind: "graph",
    key: "contacts",
    permission: "Contacts.Read",
    title: "Contacts",
    proves: "the test mailbox's contacts can be read app-only",
    needsMailbox: true,
    path: (ctx) => `/users/${enc(ctx.mailbox!)}/contacts?$top=1&$select=id`,
    read: (body) => (idsAnswer.safeParse(body).success ? { note: "read a contact" } : null),
  },
  {
    kind: "exchange",
    key: "exchange",
    permission: "Exchange.ManageAsApp",
    title: "Exchange Online admin API",
    proves: "Exchange app-only works: the permission, a directory role, and the tenant addressed by its initial domain",
    cmdlet: "Get-OrganizationConfig",
  },
];

/** The probes for a set of configured permissions, in catalog order. */
export function probesFor(permissions: readonly string[]): Probe[] {
  return PROBES.filter((p) => permissions.includes(p.permission));
}
