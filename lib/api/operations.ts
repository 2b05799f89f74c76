import { z } from "zod";

import { MINIMUM_ROLE, type PartnerRole } from "@/lib/auth/roles";
import { tenantDetailSchema } from "@/lib/tenants/tenant-detail";
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

export const API_OPERATIONS: readonly ApiOperation[] = [
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
    operationId: "exportTenants",
    method: "get",
    path: "/api/v1/tenants.csv",
    file: "app/api/v1/tenants.csv/route.ts",
    summary: "The tenants matching the list's filters, as CSV (streamed; formulas neutralised)",
    role: MINIMUM_ROLE.viewDashboard,
    query: tenantListQuerySchema.omit({ limit: true, cursor: true }),
    responses: { "200": { description: "customer, tenant_id, initial_domain, status, permission_set_version, needs_reconsent, last_check, last_check_at, failing_probes, finding_ids", contentType: "text/csv" } },
  },
];
