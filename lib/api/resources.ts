import "server-only";

import { z } from "zod";

import type { Db } from "@/lib/db/database";
import { listAudit, type AuditEntry } from "@/lib/db/repositories/audit";
import { getInvite, INVITE_STATES, type Invite } from "@/lib/db/repositories/invites";
import { getProbeRun, listFailedTenantIdsOfBulkRun, listProbeResults, type ProbeRun } from "@/lib/db/repositories/probe-runs";
import { findingSchema } from "@/lib/diagnosis/finding";
import { AppError } from "@/lib/errors";
import { pageLimitParam } from "@/lib/http/search-params";
import { createInvite, revokeInviteAsPartner, inviteInputSchema } from "@/lib/invites/invites";
import type { Meta } from "@/lib/http/request-meta";
import { bulkProgressView, startBulkRun, type BulkProgressView } from "@/lib/probes/bulk";
import { runProbesAsPartner } from "@/lib/probes/tenant-actions";
import type { Partner } from "@/lib/session/partner-session";
import { listTenantsPage, tenantListItemSchema, type TenantListItem } from "@/lib/tenants/tenant-list";

/**
 * The /api/v1 operations beyond the tenant list: each validates its input with the zod schema the
 * OpenAPI document shows, calls the same lib function as the dashboard (so writes are audited with
 * the caller: a partner, or `api-key:<name>`) and answers in the documented shape.
 */

const uuid = (what: string) => z.uuid({ error: `must be ${what} ID (a UUID)` });
export const idParamsSchema = z.object({ id: z.string() });

// ---------- invites

export const inviteSchema = z.object({
  id: z.string(),
  customerName: z.string(),
  tenantHint: z.string().nullable(),
  permissionSetVersion: z.number().int(),
  createdBy: z.string(),
  createdAt: z.string(),
  expiresAt: z.string(),
  revokedAt: z.string().nullable(),
  revokedBy: z.string().nullable(),
  openedAt: z.string().nullable(),
  consentedAt: z.string().nullable(),
  failedAt: z.string().nullable(),
  lastError: z.string().nullable(),
  tenantId: z.string().nullable(),
  state: z.enum(INVITE_STATES),
}) satisfies z.ZodType<Invite>;

export const createInviteBodySchema = z.object({ customerName: z.string(), tenantHint: z.string().optional().default("") }).strict().pipe(inviteInputSchema);
export const createdInviteSchema = z.object({ invite: inviteSchema, link: z.string().describe("The invite link; shown once (only its hash is stored).") });

export const inviteListSchema = z.object({
  items: z.array(inviteSchema),
  /** The `cursor` of the next page; null on the last one. */
  nextCursor: z.string().nullable(),
});

export async function createInviteForApi(db: Db, caller: Partner, body: unknown, meta: Meta) {
  const input = createInviteBodySchema.parse(body);
  return createInvite(db, caller, input, meta);
}

export async function revokeInviteForApi(db: Db, caller: Partner, id: string, meta: Meta): Promise<Invite> {
  if (!uuid("an invite").safeParse(id).success) throw new AppError("invite_not_found", "No such invite.");
  const invite = await getInvite(db, id);
  if (!invite) throw new AppError("invite_not_found", "No such invite.");
  if (invite.state !== "revoked") await revokeInviteAsPartner(db, caller, id, meta);
  return (await getInvite(db, id))!;
}

// ---------- probe runs

export const probeRunSchema = z.object({
  id: z.string(),
  tenantId: z.string(),
  bulkRunId: z.string().nullable(),
  trigger: z.string(),
  iterations: z.number().int(),
  status: z.enum(["running", "passed", "failed", "error"]),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  results: z.array(
    z.object({ iteration: z.number().int(), probe: z.string(), permission: z.string().nullable(), outcome: z.string(), httpStatus: z.number().int().nullable(), latencyMs: z.number().nullable(), requestId: z.string().nullable(), errorCode: z.string().nullable(), finding: findingSchema.nullable() }),
  ),
});
export type ProbeRunView = z.infer<typeof probeRunSchema>;
export const startProbeRunBodySchema = z.object({ iterations: z.number({ error: "must be a number from 1 to 200" }).int().min(1).max(200).default(1) }).strict();

async function probeRunView(db: Db, run: ProbeRun): Promise<ProbeRunView> {
  const results = await listProbeResults(db, run.id);
  return {
    id: run.id,
    tenantId: run.tenantId,
    bulkRunId: run.bulkRunId,
    trigger: run.trigger,
    iterations: run.iterations,
    status: run.status,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
    results: results.map((r) => ({ iteration: r.iteration, probe: r.probe, permission: r.permission, outcome: r.outcome, httpStatus: r.httpStatus, latencyMs: r.latencyMs, requestId: r.requestId, errorCode: r.errorCode, finding: findingSchema.nullable().catch(null).parse(r.finding) })),
  };
}

/** Probes one tenant now and answers the recorded run (the request lasts as long as the probes). */
export async function startProbeRunForApi(db: Db, caller: Partner, tenantId: string, body: unknown, meta: Meta): Promise<ProbeRunView> {
  const { iterations } = startProbeRunBodySchema.parse(body ?? {});
  const { run } = await runProbesAsPartner(db, caller, tenantId, iterations, meta);
  return probeRunView(db, run);
}

export async function getProbeRunForApi(db: Db, id: string): Promise<ProbeRunView> {
  const run = uuid("a run").safeParse(id).success ? await getProbeRun(db, id) : null;
  if (!run) throw new AppError("probe_run_not_found", "No such probe run.");
  return probeRunView(db, run);
}

// ---------- bulk runs

export const bulkProgressSchema = z.object({
  id: z.string(),
  status: z.enum(["running", "completed"]),
  total: z.number().int(),
  done: z.number().int(),
  failed: z.number().int(),
  inProgress: z.number().int(),
  awaitingTakeover: z.number().int().describe("Tenants held by an instance that stopped renewing its leases; another instance takes them when the lease runs out."),
  remaining: z.number().int(),
  elapsedSeconds: z.number(),
  perMinute: z.number().nullable(),
  etaSeconds: z.number().nullable(),
  requestedBy: z.string(),
  createdAt: z.string(),
  failingChecks: z.number().int().describe("Tenants whose checks failed in this run; GET …/failing-tenants lists them."),
}) satisfies z.ZodType<BulkProgressView>;
export const failingTenantsSchema = z.object({ items: z.array(tenantListItemSchema) });

export async function startBulkRunForApi(db: Db, caller: Partner, meta: Meta): Promise<BulkProgressView> {
  const run = await startBulkRun(db, caller, meta);
  return (await bulkProgressView(db, run.id))!;
}

export async function getBulkRunForApi(db: Db, id: string): Promise<BulkProgressView> {
  const view = uuid("a bulk run").safeParse(id).success ? await bulkProgressView(db, id) : null;
  if (!view) throw new AppError("bulk_run_not_found", "No such bulk run.");
  return view;
}

/** The tenants whose checks failed in a bulk run, as the tenant list shows them. */
export async function listFailingTenantsOfBulkRun(db: Db, id: string): Promise<{ items: TenantListItem[] }> {
  await getBulkRunForApi(db, id);
  const ids = await listFailedTenantIdsOfBulkRun(db, id);
  const items: TenantListItem[] = [];
  for (let i = 0; i < ids.length; i += 500) items.push(...(await listTenantsPage(db, { q: undefined, sort: "name", limit: 500 }, ids.slice(i, i + 500))).items);
  return { items };
}

// ---------- audit

export const auditEntrySchema = z.object({
  id: z.string(),
  at: z.string(),
  actor: z.string(),
  action: z.string(),
  target: z.string().nullable(),
  details: z.record(z.string(), z.unknown()).nullable(),
  ip: z.string().nullable(),
  userAgent: z.string().nullable(),
}) satisfies z.ZodType<AuditEntry>;
export const auditListSchema = z.object({ items: z.array(auditEntrySchema), nextBefore: z.string().nullable() });

const isoTime = z.string().regex(/^\d{4}-\d{2}-\d{2}(T[\d:.]+Z)?$/, "must be an ISO 8601 UTC time such as 2026-11-30T12:00:00Z");
export const auditQuerySchema = z
  .object({
    action: z.string().max(80).regex(/^[a-z_.]+$/, "must be an action such as invite.created").optional(),
    actor: z.string().max(320).optional(),
    target: z.string().max(100).optional(),
    since: isoTime.optional(),
    before: isoTime.optional(),
    limit: pageLimitParam(100),
  })
  .strict();

export async function listAuditForApi(db: Db, query: z.output<typeof auditQuerySchema>): Promise<{ items: AuditEntry[]; nextBefore: string | null }> {
  const items = await listAudit(db, query);
  return { items, nextBefore: items.length === query.limit ? items[items.length - 1]!.at : null };
}

/** A JSON body, or a 422 naming the problem (not JSON, too large). */
export async function readJsonBody(request: Request, maxBytes = 64 * 1024): Promise<unknown> {
  const text = await request.text();
  if (text.length > maxBytes) throw new AppError("body_too_large", `The body is larger than ${maxBytes / 1024} KiB.`);
  if (!text.trim()) return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new AppError("invalid_input", "The body is not JSON.");
  }
}
