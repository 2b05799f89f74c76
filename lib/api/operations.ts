import { z } from "zod";

import { SCHEDULE_OPERATIONS } from "@/lib/api/operations-schedules";
import { WEBHOOK_OPERATIONS } from "@/lib/api/operations-webhooks";
import { MINIMUM_ROLE, type PartnerRole } from "@/lib/auth/roles";
import {
  auditListSchema,
  auditQuerySchema,
  bulkProgressSchema,
  createdInviteSchema,
  createInviteBodySchema,
  failingTenantsSchema,
  inviteListSchema,
  inviteSchema,
  probeRunSchema,
  startProbeRunBodySchema,
} from "@/lib/api/resources";
import { inviteListQuerySchema } from "@/lib/invites/invite-list";
import { tenantDetailSchema } from "@/lib/tenants/tenant-detail";
import { offboardResultSchema } from "@/lib/tenants/offboard";
import { tenantListPageSchema, tenantListQuerySchema } from "@/lib/tenants/tenant-list";

/** RFC 9457 problem details, as every /api/v1 error is answered. */
export const problemSchema = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  detail: z.string(),
  code: z.string(),
  instance: z.string().optional(),
  errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
});

export interface ApiResponseSpec {
  description: string;
  schema?: z.ZodType;
  contentType?: string;
}

/** One operation of /api/v1: the schemas that validate it are the ones the document shows. */
export interface ApiOperation {
  operationId: string;
  method: "get" | "post" | "put" | "patch" | "delete";
  /** OpenAPI path, `{id}` for parameters. */
  path: string;
  /** The route file that serves it (tests check each exists, and that no route is left out). */
  file: string;
  summary: string;
  role: PartnerRole;
  query?: z.ZodObject;
  pathParams?: z.ZodObject;
  body?: z.ZodType;
  responses: Record<string, ApiResponseSpec>;
}

const tenantIdParams = z.object({ id: z.string().describe("The tenant ID (a GUID).") });
const idParams = (what: string) => z.object({ id: z.string().describe(`The ${what}'s ID (a UUID).`) });
const notFound = (what: string): ApiResponseSpec => ({ description: `No such ${what}`, schema: problemSchema, contentType: "application/problem+json" });

const CORE_OPERATIONS: readonly ApiOperation[] = [
  {
    operationId: "listTenants",
    method: "get",
    path: "/api/v1/tenants",
    file: "app/api/v1/tenants/route.ts",
    summary: "Search, filter, sort and page through the tenants (keyset cursor paging)",
    role: MINIMUM_ROLE.viewDashboard,
    query: tenantListQuerySchema,
    responses: { "200": { description: "One page of tenants", schema: tenantListPageSchema } },
  },
  {
    operationId: "getTenant",
    method: "get",
    path: "/api/v1/tenants/{id}",
    file: "app/api/v1/tenants/[id]/route.ts",
    summary: "One tenant with its truth table and the latest findings",
    role: MINIMUM_ROLE.viewDashboard,
    pathParams: tenantIdParams,
    responses: { "200": { description: "The tenant", schema: tenantDetailSchema }, "404": { description: "No such tenant", schema: problemSchema, contentType: "application/problem+json" } },
  },
  {
    operationId: "offboardTenant",
    method: "delete",
    path: "/api/v1/tenants/{id}",
    file: "app/api/v1/tenants/[id]/route.ts",
    summary: "Remove a tenant and its data from Consentry (the audit entry stays); answers how the customer deletes the app in their tenant",
    role: MINIMUM_ROLE.offboardTenant,
    pathParams: tenantIdParams,
    responses: { "200": { description: "Removed; what the customer's administrator does next", schema: offboardResultSchema }, "404": notFound("tenant") },
  },
  {
    operationId: "exportTenants",
    method: "get",
    path: "/api/v1/tenants.csv",
    file: "app/api/v1/tenants.csv/route.ts",
    summary: "The tenants matching the list's filters, as CSV (streamed; formulas neutralised)",
    role: MINIMUM_ROLE.viewDashboard,
    query: tenantListQuerySchema.omit({ limit: true, cursor: true }),
    responses: { "200": { description: "customer, tenant_id, initial_domain, status, permission_set_version, needs_reconsent, last_check, last_check_at, failing_probes, finding_ids", contentType: "text/csv" } },
  },
  {
    operationId: "startProbeRun",
    method: "post",
    path: "/api/v1/tenants/{id}/probe-runs",
    file: "app/api/v1/tenants/[id]/probe-runs/route.ts",
    summary: "Probe one tenant now (N iterations for a pass rate); answers the recorded run when it is done",
    role: MINIMUM_ROLE.runProbes,
    pathParams: tenantIdParams,
    body: startProbeRunBodySchema,
    responses: { "201": { description: "The finished run", schema: probeRunSchema }, "404": notFound("tenant") },
  },
  {
    operationId: "getProbeRun",
    method: "get",
    path: "/api/v1/probe-runs/{id}",
    file: "app/api/v1/probe-runs/[id]/route.ts",
    summary: "One probe run with every result and finding",
    role: MINIMUM_ROLE.viewDashboard,
    pathParams: idParams("probe run"),
    responses: { "200": { description: "The run", schema: probeRunSchema }, "404": notFound("probe run") },
  },
  {
    operationId: "startBulkRun",
    method: "post",
    path: "/api/v1/bulk-runs",
    file: "app/api/v1/bulk-runs/route.ts",
    summary: "Re-test every tenant in the background",
    role: MINIMUM_ROLE.startBulkRun,
    responses: { "202": { description: "The run's progress as it starts", schema: bulkProgressSchema } },
  },
  {
    operationId: "getBulkRun",
    method: "get",
    path: "/api/v1/bulk-runs/{id}",
    file: "app/api/v1/bulk-runs/[id]/route.ts",
    summary: "A bulk run's progress: done, failed, remaining, rate, ETA",
    role: MINIMUM_ROLE.viewBulkProgress,
    pathParams: idParams("bulk run"),
    responses: { "200": { description: "Progress", schema: bulkProgressSchema }, "404": notFound("bulk run") },
  },
  {
    operationId: "listBulkRunFailingTenants",
    method: "get",
    path: "/api/v1/bulk-runs/{id}/failing-tenants",
    file: "app/api/v1/bulk-runs/[id]/failing-tenants/route.ts",
    summary: "The tenants whose checks failed in a bulk run",
    role: MINIMUM_ROLE.viewBulkProgress,
    pathParams: idParams("bulk run"),
    responses: { "200": { description: "Failing tenants, as the tenant list shows them", schema: failingTenantsSchema }, "404": notFound("bulk run") },
  },
  {
    operationId: "listInvites",
    method: "get",
    path: "/api/v1/invites",
    file: "app/api/v1/invites/route.ts",
    summary: "Search and page through the invites, newest first (cursor paging), by state or customer",
    role: MINIMUM_ROLE.viewDashboard,
    query: inviteListQuerySchema,
    responses: { "200": { description: "Invites", schema: inviteListSchema } },
  },
  {
    operationId: "createInvite",
    method: "post",
    path: "/api/v1/invites",
    file: "app/api/v1/invites/route.ts",
    summary: "A new invite; its link is in the answer, once (only its hash is stored)",
    role: MINIMUM_ROLE.manageInvites,
    body: createInviteBodySchema,
    responses: { "201": { description: "The invite and its link", schema: createdInviteSchema } },
  },
  {
    operationId: "revokeInvite",
    method: "post",
    path: "/api/v1/invites/{id}/revoke",
    file: "app/api/v1/invites/[id]/revoke/route.ts",
    summary: "Revoke an invite: its link stops working (again is not an error)",
    role: MINIMUM_ROLE.manageInvites,
    pathParams: idParams("invite"),
    responses: { "200": { description: "The revoked invite", schema: inviteSchema }, "404": notFound("invite") },
  },
  {
    operationId: "listAudit",
    method: "get",
    path: "/api/v1/audit",
    file: "app/api/v1/audit/route.ts",
    summary: "The audit log, newest first, by action, actor, target and time",
    role: MINIMUM_ROLE.viewAuditLog,
    query: auditQuerySchema,
    responses: { "200": { description: "Entries; pass nextBefore as before for older ones", schema: auditListSchema } },
  },
];

/** Every operation of /api/v1: the core ones above, the webhooks' and the schedule's. */
export const API_OPERATIONS: readonly ApiOperation[] = [...CORE_OPERATIONS, ...WEBHOOK_OPERATIONS, ...SCHEDULE_OPERATIONS];
