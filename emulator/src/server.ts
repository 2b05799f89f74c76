import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync, chmodSync } from "node:fs";
import http, { type IncomingMessage, type ServerResponse } from "node:http";
import https from "node:https";
import type { AddressInfo, Socket } from "node:net";
import { performance } from "node:perf_hooks";
import path from "node:path";
import { z } from "zod";

import { addRequiredPermission, removeRequiredPermission } from "./applications";
import type { EmulatorContext } from "./context";
import { ewsRequest } from "./ews";
import { invokeCommand } from "./exchange";
import { batchUrl, handleGraph, parseBatch, type GraphResponse } from "./graph";
import { sharepointWeb } from "./sharepoint";
import { BodyTooLargeError, graphErrorBody, isLoopback, readBody, sendAadError, sendJson } from "./http";
import { adminConsent } from "./admin-consent";
import { authorize } from "./authorize";
import { instanceDiscovery, jwks, openIdConfiguration } from "./openid-configuration";
import { tokenEndpoint } from "./token-endpoint";
import { ensureCertificateAuthority, ensureClientCertificate, ensureServerCertificate, ensureSigningKey } from "./pki";
import { peekClaims, rs256Signature } from "./jws";
import { applicationRbacSchema, faultSchema, HYBRID_REST_API, type Fault, type Scenario } from "./scenario";
import { GUID } from "./context";
import { IIS_LOG_HEADER } from "./mailbox";
import { TokenSigner } from "./signer";
import { verifyBearer } from "./tokens";
import { EmulatorState, grantsFrom, type AppSecret, type AppState } from "./state";

export interface EmulatorOptions {
  scenario: Scenario;
  /** https port; 0 picks a free one. */
  port?: number;
  /** plain-http port for browser pages; 0 picks a free one. */
  httpPort?: number;
  /** Where generated credentials and keys are kept. */
  stateDir: string;
  /** Where the CA and TLS certificate are kept (default: stateDir/ca). Share it to keep NODE_EXTRA_CA_CERTS stable. */
  caDir?: string;
  /** Clock for tests of replication delay. */
  now?: () => number;
  /** Random source for fault rates and flaky tenants. */
  random?: () => number;
}

export interface AppCredentials {
  clientId: string;
  secrets: { id: string; value: string; expired: boolean }[];
  certificates: { id: string; path: string; thumbprintSha1: string; thumbprintSha256: string }[];
}

export interface RunningEmulator {
  authorityHost: string;
  loginHost: string;
  graphHost: string;
  exchangeHost: string;
  caCertPath: string;
  credentialsPath: string;
  credentials: AppCredentials[];
  state: EmulatorState;
  close(): Promise<void>;
}

function generateSecretValue(): string {
  // Shaped like an Entra ID secret value: 40 characters with a "~" at position 4.
  const raw = randomBytes(30).toString("base64url").replace(/[-_]/g, "x");
  return `${raw.slice(0, 3)}8Q~${raw.slice(3, 39)}`;
}

async function prepareApps(scenario: Scenario, stateDir: string): Promise<{ apps: AppState[]; credentials: AppCredentials[]; credentialsPath: string }> {
  const credentialsPath = path.join(stateDir, "credentials.json");
  const previous: AppCredentials[] = existsSync(credentialsPath) ? (JSON.parse(readFileSync(credentialsPath, "utf8")).apps ?? []) : [];
  const apps: AppState[] = [];
  const credentials: AppCredentials[] = [];
  for (const app of scenario.apps) {
    const before = previous.find((p) => p.clientId === app.clientId);
    const secrets: AppSecret[] = app.secrets.map((s) => ({
      id: s.id,
      value: s.value ?? before?.secrets.find((b) => b.id === s.id)?.value ?? generateSecretValue(),
      expired: s.expired,
    }));
    const certificates = [];
    for (const c of app.certificates) {
      const cert = await ensureClientCertificate(path.join(stateDir, "apps", app.clientId, `${c.id}.pem`), `${app.displayName} (${c.id})`);
      certificates.push({ ...cert, id: c.id });
    }
    apps.push({ scenario: app, secrets, certificates });
    credentials.push({
      clientId: app.clientId,
      secrets: secrets.map((s) => ({ ...s })),
      certificates: certificates.map((c) => ({ id: c.id, path: c.bundlePath, thumbprintSha1: c.thumbprintSha1Hex, thumbprintSha256: Buffer.from(c.x5tS256, "base64url").toString("hex").toUpperCase() })),
    });
  }
  writeFileSync(credentialsPath, `${JSON.stringify({ apps: credentials }, null, 2)}\n`, { mode: 0o600 });
  chmodSync(credentialsPath, 0o600);
  return { apps, credentials, credentialsPath };
}

function listen(server: http.Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => {
      server.off("error", reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function tenantFromBearer(header: string | undefined): string | null {
  const match = /^Bearer\s+(\S+)$/i.exec(header ?? "");
  if (!match) return null;
  const tid = peekClaims(match[1]!)?.tid;
  return typeof tid === "string" ? tid : null;
}

/** Starts the sandbox cloud on loopback: https for clients, http for browser pages. */
export async function startEmulator(options: EmulatorOptions): Promise<RunningEmulator> {
  const random = options.random ?? Math.random;
  mkdirSync(options.stateDir, { recursive: true });
  const caDir = options.caDir ?? path.join(options.stateDir, "ca");
  const ca = await ensureCertificateAuthority(caDir);
  const tls = await ensureServerCertificate(caDir, ca);
  const signing = ensureSigningKey(path.join(options.stateDir, "signing-key.pem"));
  const { apps, credentials, credentialsPath } = await prepareApps(options.scenario, options.stateDir);
  const state = new EmulatorState(options.scenario, apps, options.now);

  const sockets = new Set<Socket>();
  const signer = new TokenSigner(signing.privateKey, (input) => rs256Signature(input, signing.privateKey));
  const ctx = { state, signing, signer } as EmulatorContext;
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    route(ctx, req, res, random).catch((error: unknown) => {
      if (error instanceof BodyTooLargeError) return sendJson(res, 413, { error: "request_too_large", error_description: "The request body is larger than 1 MB." });
      console.error("[emulator] unhandled error:", error);
      if (!res.headersSent) sendJson(res, 500, { error: "server_error", error_description: "The sandbox cloud failed to answer this request." });
      else res.destroy();
    });
  };
  const secure = https.createServer({ key: tls.keyPem, cert: tls.certPem }, handler);
  const plain = http.createServer(handler);
  for (const server of [secure, plain]) {
    server.on("connection", (socket: Socket) => {
      sockets.add(socket);
      socket.on("close", () => sockets.delete(socket));
    });
  }
  const port = await listen(secure, options.port ?? 0);
  const httpPort = await listen(plain, options.httpPort ?? 0);
  ctx.authorityHost = `https://127.0.0.1:${port}`;
  ctx.graphHost = ctx.authorityHost;
  ctx.exchangeHost = ctx.authorityHost;
  ctx.loginHost = `http://127.0.0.1:${httpPort}`;

  return {
    authorityHost: ctx.authorityHost,
    loginHost: ctx.loginHost,
    graphHost: ctx.graphHost,
    exchangeHost: ctx.exchangeHost,
    caCertPath: ca.certPath,
    credentialsPath,
    credentials,
    state,
    async close() {
      for (const socket of sockets) socket.destroy();
      await Promise.all([new Promise((r) => secure.close(r)), new Promise((r) => plain.close(r)), signer.close()]);
    },
  };
}

type FaultOutcome = "handled" | "continue";

const answerDeadlines = new WeakMap<ServerResponse, number>();

/**
 * Injected latency: the answer leaves no sooner than `ms` after `from` (or after the latency
 * already set for this response). The sandbox works the answer out meanwhile, as a remote
 * service does while bytes travel, so its own work (signing a token, say) is not added on top.
 */
function holdAnswer(res: ServerResponse, ms: number, from: number = performance.now()): void {
  const held = answerDeadlines.get(res);
  answerDeadlines.set(res, (held ?? from) + ms);
  if (held !== undefined) return;
  const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
  res.end = ((...args: unknown[]) => {
    const wait = answerDeadlines.get(res)! - performance.now();
    if (wait < 1) return end(...args);
    setTimeout(() => end(...args), wait);
    return res;
  }) as ServerResponse["end"];
}

/** Applies the faults drawn for one request: latency first, then at most one failure. */
async function applyFaults(ctx: EmulatorContext, endpoint: Fault["endpoint"], tenantId: string | null, req: IncomingMessage, res: ServerResponse, shape: "aad" | "graph", random: () => number): Promise<FaultOutcome> {
  const drawn = ctx.state.drawFaults(endpoint, tenantId, random);
  const latency = drawn.filter((f) => f.kind === "latency").reduce((ms, f) => ms + (f.latencyMs ?? 0), 0);
  const failure = drawn.find((f) => f.kind !== "latency");
  if (!failure) {
    if (latency > 0) holdAnswer(res, latency);
    return "continue";
  }
  // A failure (reset, hang, 429...) comes after the latency.
  if (latency > 0) await sleep(latency);
  switch (failure.kind) {
    case "reset":
      req.socket.destroy();
      return "handled";
    case "hang":
      // Never answer; the socket closes when the client gives up or the emulator stops.
      return "handled";
    case "malformed":
      res.writeHead(200, { "content-type": "application/json; charset=utf-8" });
      res.end('{"value":[{"id":"');
      return "handled";
    case "throttle":
    case "error": {
      const status = failure.kind === "throttle" ? 429 : (failure.status ?? 503);
      const headers: Record<string, string> = failure.kind === "throttle" ? { "retry-after": String(failure.retryAfterSeconds ?? 1) } : {};
      if (shape === "graph") {
        const code = status === 429 ? "TooManyRequests" : status === 503 ? "serviceNotAvailable" : "generalException";
        const message = status === 429 ? "Too many requests." : "The service is temporarily unavailable.";
        const requestId = crypto.randomUUID();
        sendJson(res, status, graphErrorBody(code, message, requestId, String(req.headers["client-request-id"] ?? requestId)), { ...headers, "request-id": requestId });
      } else {
        for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
        sendAadError(
          res,
          status === 429
            ? { status, error: "temporarily_unavailable", code: 50196, message: "The server terminated an operation because it encountered a client request loop. Too many requests; retry after the Retry-After interval." }
            : { status, error: "temporarily_unavailable", code: 90033, message: "A transient error has occurred. Please try again." },
          ctx.authorityHost,
        );
      }
      return "handled";
    }
  }
  return "continue";
}

async function route(ctx: EmulatorContext, req: IncomingMessage, res: ServerResponse, random: () => number): Promise<void> {
  const url = new URL(req.url ?? "/", "http://emulator");
  const kind = url.pathname.includes("openid-configuration") ? "metadata" : url.pathname.endsWith("/token") ? "token" : url.pathname.includes("$batch") ? "batch" : url.pathname.includes("InvokeCommand") ? "exchange" : url.pathname.startsWith("/_emulator") ? "control" : "other";
  ctx.state.requestCounts.set(kind, (ctx.state.requestCounts.get(kind) ?? 0) + 1);
  const parts = url.pathname.split("/").filter(Boolean).map(decodeURIComponent);
  const method = req.method ?? "GET";

  if (parts[0] === "_emulator") return control(ctx, req, res, parts.slice(1));

  // Microsoft Graph
  if (parts[0] === "v1.0" || parts[0] === "beta") {
    const tenantId = tenantFromBearer(req.headers.authorization);
    if (parts[0] === "v1.0" && parts[1] === "$batch" && parts.length === 2) {
      if (method !== "POST") return sendJson(res, 405, graphErrorBody("Request_BadRequest", "Use POST for $batch.", crypto.randomUUID(), crypto.randomUUID()));
      if ((await applyFaults(ctx, "batch", tenantId, req, res, "graph", random)) === "handled") return;
      return batch(ctx, req, res, tenantId, random);
    }
    if ((await applyFaults(ctx, "graph", tenantId, req, res, "graph", random)) === "handled") return;
    const answer = await handleGraph(ctx, {
      method,
      url: `${url.pathname}${url.search}`,
      authorization: req.headers.authorization,
      clientRequestId: typeof req.headers["client-request-id"] === "string" ? req.headers["client-request-id"] : undefined,
    });
    return sendJson(res, answer.status, answer.body, answer.headers);
  }

  // Exchange admin API
  if (parts[0] === "adminapi" && parts[1] === "beta" && parts[3] === "InvokeCommand" && parts.length === 4) {
    if (method !== "POST") return sendJson(res, 405, { error: { code: "MethodNotAllowed", message: "Use POST." } });
    const addressed = ctx.state.resolveTenant(parts[2]!);
    if ((await applyFaults(ctx, "exchange", addressed?.id ?? null, req, res, "graph", random)) === "handled") return;
    return invokeCommand(ctx, req, res, parts[2]!, random);
  }

  // Exchange Web Services (SOAP) and SharePoint Online REST
  if (parts.length === 2 && parts[0]!.toLowerCase() === "ews" && parts[1]!.toLowerCase() === "exchange.asmx") {
    if (method !== "POST") return sendJson(res, 405, { error: { code: "MethodNotAllowed", message: "Use POST." } });
    return ewsRequest(ctx, req, res);
  }
  if (parts.length === 2 && parts[0] === "_api" && parts[1] === "web" && method === "GET") return sharepointWeb(ctx, req, res, url.searchParams);

  // Identity platform
  if (parts[0] === "common" && parts[1] === "discovery" && parts[2] === "instance") {
    if ((await applyFaults(ctx, "metadata", null, req, res, "aad", random)) === "handled") return;
    return instanceDiscovery(ctx, res);
  }
  if (parts.length >= 2) {
    const segment = parts[0]!;
    const rest = parts.slice(1).join("/");
    const tenantId = ctx.state.resolveTenant(segment)?.id ?? null;
    if (method === "GET" && (rest === "v2.0/.well-known/openid-configuration" || rest === ".well-known/openid-configuration")) {
      if ((await applyFaults(ctx, "metadata", tenantId, req, res, "aad", random)) === "handled") return;
      return openIdConfiguration(ctx, res, segment, rest.startsWith("v2.0") ? "v2" : "v1");
    }
    if (method === "GET" && (rest === "discovery/v2.0/keys" || rest === "discovery/keys")) return jwks(ctx, res);
    if ((method === "GET" || method === "POST") && (rest === "adminconsent" || rest === "v2.0/adminconsent")) {
      if ((await applyFaults(ctx, "consent", tenantId, req, res, "aad", random)) === "handled") return;
      return adminConsent(ctx, req, res, segment, rest === "adminconsent" ? "v1" : "v2");
    }
    if ((method === "GET" || method === "POST") && rest === "oauth2/v2.0/authorize") {
      if ((await applyFaults(ctx, "authorize", tenantId, req, res, "aad", random)) === "handled") return;
      return authorize(ctx, req, res, segment);
    }
    if (method === "POST" && rest === "oauth2/v2.0/token") {
      if ((await applyFaults(ctx, "token", tenantId, req, res, "aad", random)) === "handled") return;
      return tokenEndpoint(ctx, req, res, segment);
    }
  }
  sendJson(res, 404, { error: "not_found", error_description: `The sandbox cloud has no endpoint ${method} ${url.pathname}.` });
}

async function batch(ctx: EmulatorContext, req: IncomingMessage, res: ServerResponse, tenantId: string | null, random: () => number): Promise<void> {
  const requestId = crypto.randomUUID();
  const clientRequestId = typeof req.headers["client-request-id"] === "string" ? req.headers["client-request-id"] : requestId;
  let body: unknown;
  try {
    body = JSON.parse(await readBody(req));
  } catch {
    return sendJson(res, 400, graphErrorBody("BadRequest", "Invalid batch payload format.", requestId, clientRequestId), { "request-id": requestId });
  }
  const parsed = parseBatch(body, requestId, clientRequestId);
  if ("status" in parsed) return sendJson(res, parsed.status, parsed.body, parsed.headers);
  let latency = 0;
  const startedAt = performance.now();
  const auth = verifyBearer(ctx, req.headers.authorization, "graph");
  const responses = await Promise.all(
    parsed.requests.map(async (inner): Promise<{ id: string } & GraphResponse> => {
      // Each request of a batch is throttled and fails on its own, as Graph does.
      const drawn = ctx.state.drawFaults("graph", tenantId, random);
      latency = Math.max(latency, drawn.filter((f) => f.kind === "latency").reduce((ms, f) => ms + (f.latencyMs ?? 0), 0));
      const failure = drawn.find((f) => f.kind === "throttle" || f.kind === "error");
      if (failure) {
        const status = failure.kind === "throttle" ? 429 : (failure.status ?? 503);
        const innerId = crypto.randomUUID();
        return {
          id: inner.id,
          status,
          headers: { "content-type": "application/json", ...(failure.kind === "throttle" ? { "retry-after": String(failure.retryAfterSeconds ?? 1) } : {}) },
          body: graphErrorBody(status === 429 ? "TooManyRequests" : "serviceNotAvailable", status === 429 ? "Too many requests." : "The service is temporarily unavailable.", innerId, clientRequestId),
        };
      }
      const answer = await handleGraph(ctx, { method: inner.method, url: batchUrl(inner.url), authorization: req.headers.authorization, clientRequestId, auth });
      return { id: inner.id, ...answer };
    }),
  );
  // The slowest inner request's latency, on top of any latency of the batch request itself.
  if (latency > 0) holdAnswer(res, latency, startedAt);
  sendJson(res, 200, { responses }, { "request-id": requestId, "client-request-id": clientRequestId });
}

const tenantPatchSchema = z.object({
  hybrid: z
    .object({ v1s2sAppOnlyProfile: z.boolean().optional(), partnerAppOnlyPermissions: z.boolean().optional(), restApi: z.enum(HYBRID_REST_API).optional() })
    .strict()
    .optional(),
  exchange: z
    .object({
      online: z.boolean().optional(),
      ewsEnabled: z.boolean().nullable().optional(),
      ewsAllowedAppIds: z.array(z.string().regex(GUID, "must be a GUID").transform((s) => s.toLowerCase())).nullable().optional(),
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
async function control(ctx: EmulatorContext, req: IncomingMessage, res: ServerResponse, parts: string[]): Promise<void> {
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
