import type { IncomingMessage, ServerResponse } from "node:http";
import { performance } from "node:perf_hooks";
import { z } from "zod";

import { addRequiredPermission, removeRequiredPermission } from "./applications";
import type { EmulatorContext } from "./context";
import { guidSchema } from "./guid";
import { isLoopback, readBody, sendJson } from "./http";
import { IIS_LOG_HEADER } from "./mailbox";
import { applicationRbacSchema, faultSchema, HYBRID_REST_API } from "./scenario";
import { grantsFrom } from "./state";

const tenantPatchSchema = z.object({
  hybrid: z
    .object({ v1s2sAppOnlyProfile: z.boolean().optional(), partnerAppOnlyPermissions: z.boolean().optional(), restApi: z.enum(HYBRID_REST_API).optional() })
    .strict()
    .optional(),
  exchange: z
    .object({
      online: z.boolean().optional(),
      ewsEnabled: z.boolean().nullable().optional(),
      ewsAllowedAppIds: z.array(guidSchema).nullable().optional(),
      applicationRbac: z.array(applicationRbacSchema).optional(),
    })
    .strict()
    .optional(),
  mailboxAccessPolicyDeniesApp: z.boolean().optional(),
  replication: z.object({ servicePrincipalSeconds: z.number().min(0).optional(), rolesSeconds: z.number().min(0).optional() }).optional(),
  exchangeNonInitialFailureRate: z.number().min(0).max(1).optional(),
}).strict();

const servicePrincipalPutSchema = z.object({
  grants: z.array(z.object({ resource: z.enum(["graph", "exchange", "sharepoint"]), roles: z.array(z.string()) })),
  directoryRoles: z.array(z.string()).default([]),
  disabled: z.boolean().default(false),
  conditionalAccessBlocked: z.boolean().default(false),
});

// /_emulator/... — loopback-only control surface for tests and demos.
export async function controlRoutes(ctx: EmulatorContext, req: IncomingMessage, res: ServerResponse, parts: string[]): Promise<void> {
  if (!isLoopback(req.socket.remoteAddress)) return sendJson(res, 403, { error: "forbidden", message: "The control endpoint answers loopback clients only." });
  const method = req.method ?? "GET";
  const readJson = async () => {
    try {
      return JSON.parse(await readBody(req)) as unknown;
    } catch {
      return undefined;
    }
  };
  const invalid = (error: z.ZodError) =>
    sendJson(res, 422, { error: "invalid", issues: error.issues.map((i) => ({ path: i.path.join("."), message: i.message })) });

  if (parts[0] === "state" && parts.length === 1 && method === "GET") {
    return sendJson(res, 200, {
      requests: Object.fromEntries(ctx.state.requestCounts),
      cpuMs: Math.round((process.cpuUsage().user + process.cpuUsage().system) / 1000),
      /** Main-thread event-loop time so far (idle and active, ms), to compute utilisation between two reads. */
      eventLoop: (({ idle, active }) => ({ idle: Math.round(idle), active: Math.round(active) }))(performance.eventLoopUtilization()),
      tenants: [...ctx.state.tenants.values()].map((t) => ({
        id: t.id,
        displayName: t.displayName,
        hybrid: t.hybrid,
        exchange: t.exchange,
        replication: t.replication,
        servicePrincipals: [...ctx.state.apps.keys()]
          .map((clientId) => ctx.state.servicePrincipal(t.id, clientId))
          .filter((sp) => sp !== null)
          .map((sp) => ({ id: sp.id, appId: sp.appId, grants: sp.grants, directoryRoles: sp.directoryRoles, disabled: sp.disabled, conditionalAccessBlocked: sp.conditionalAccessBlocked, consentedAt: sp.consentedAt ? new Date(sp.consentedAt).toISOString() : null })),
      })),
      consents: ctx.state.consents.map((c) => ({ ...c, at: new Date(c.at).toISOString() })),
      faults: ctx.state.faults,
    });
  }
  if (parts[0] === "faults" && parts.length === 1) {
    if (method === "GET") return sendJson(res, 200, { faults: ctx.state.faults });
    if (method === "PUT") {
      const parsed = z.object({ faults: z.array(faultSchema) }).safeParse(await readJson());
      if (!parsed.success) return invalid(parsed.error);
      ctx.state.setFaults(parsed.data.faults);
      return sendJson(res, 200, { faults: ctx.state.faults });
    }
  }
  if (parts[0] === "apps" && parts[1] && parts[2] === "requiredResourceAccess" && parts.length === 3 && (method === "POST" || method === "DELETE")) {
    const app = ctx.state.apps.get(parts[1].toLowerCase());
    if (!app) return sendJson(res, 404, { error: "not_found", message: `No app ${parts[1]} in the scenario.` });
    const changed = method === "POST" ? addRequiredPermission(app, await readJson()) : removeRequiredPermission(app, await readJson());
    return sendJson(res, changed.status, changed.body);
  }
  if (parts[0] === "tenants" && parts[1]) {
    const tenant = ctx.state.resolveTenant(parts[1]);
    if (!tenant) return sendJson(res, 404, { error: "not_found", message: `No tenant ${parts[1]} in the scenario.` });
    if (parts.length === 2 && method === "PATCH") {
      const parsed = tenantPatchSchema.safeParse(await readJson());
      if (!parsed.success) return invalid(parsed.error);
      const rbac = parsed.data.exchange?.applicationRbac;
      const rbacProblem = rbac?.flatMap((a, ai) => [
        ...(ctx.state.apps.has(a.clientId) ? [] : [{ path: `exchange.applicationRbac.${ai}.clientId`, message: "names no app in the scenario" }]),
        ...a.mailboxes.flatMap((upn, mi) => (ctx.state.findUser(tenant, upn) ? [] : [{ path: `exchange.applicationRbac.${ai}.mailboxes.${mi}`, message: "names no user of this tenant" }])),
      ]);
      if (rbacProblem && rbacProblem.length > 0) return sendJson(res, 422, { error: "invalid", issues: rbacProblem });
      Object.assign(tenant.hybrid, parsed.data.hybrid ?? {});
      Object.assign(tenant.replication, parsed.data.replication ?? {});
      Object.assign(tenant.exchange, parsed.data.exchange ?? {});
      if (parsed.data.exchangeNonInitialFailureRate !== undefined) tenant.exchangeNonInitialFailureRate = parsed.data.exchangeNonInitialFailureRate;
      if (parsed.data.mailboxAccessPolicyDeniesApp !== undefined) tenant.mailboxAccessPolicyDeniesApp = parsed.data.mailboxAccessPolicyDeniesApp;
      return sendJson(res, 200, {
        id: tenant.id,
        hybrid: tenant.hybrid,
        replication: tenant.replication,
        exchange: tenant.exchange,
        mailboxAccessPolicyDeniesApp: tenant.mailboxAccessPolicyDeniesApp,
        exchangeNonInitialFailureRate: tenant.exchangeNonInitialFailureRate,
      });
    }
    // The simulated on-premises Exchange server's IIS log (pre-2023 hybrid): one line per rejected request.
    if (parts[2] === "iis-log" && parts.length === 3 && method === "GET") {
      const lines = ctx.state.iisLogs.get(tenant.id) ?? [];
      res.writeHead(200, { "content-type": "text/plain; charset=utf-8" });
      res.end(`${IIS_LOG_HEADER}\n${lines.map((l) => `${l}\n`).join("")}`);
      return;
    }
    if (parts[2] === "servicePrincipals" && parts[3] && parts.length === 4) {
      const clientId = parts[3].toLowerCase();
      if (!ctx.state.apps.has(clientId)) return sendJson(res, 404, { error: "not_found", message: `No app ${clientId} in the scenario.` });
      if (method === "DELETE") {
        const removed = ctx.state.removeServicePrincipal(tenant.id, clientId);
        return sendJson(res, removed ? 200 : 404, { removed });
      }
      if (method === "PUT") {
        const parsed = servicePrincipalPutSchema.safeParse(await readJson());
        if (!parsed.success) return invalid(parsed.error);
        ctx.state.removeServicePrincipal(tenant.id, clientId);
        const sp = ctx.state.createServicePrincipal(tenant.id, clientId, grantsFrom(parsed.data.grants), parsed.data.directoryRoles, 0);
        sp.disabled = parsed.data.disabled;
        sp.conditionalAccessBlocked = parsed.data.conditionalAccessBlocked;
        return sendJson(res, 200, { id: sp.id, grants: sp.grants, directoryRoles: sp.directoryRoles, disabled: sp.disabled, conditionalAccessBlocked: sp.conditionalAccessBlocked });
      }
    }
  }
  sendJson(res, 404, { error: "not_found", message: "Control endpoints: GET /_emulator/state, GET|PUT /_emulator/faults, PATCH /_emulator/tenants/{id}, GET /_emulator/tenants/{id}/iis-log, PUT|DELETE /_emulator/tenants/{id}/servicePrincipals/{clientId}, POST|DELETE /_emulator/apps/{clientId}/requiredResourceAccess." });
}
