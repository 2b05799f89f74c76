import "server-only";

import { getConfig } from "@/lib/config";
import { graphBatch, type BatchAnswer, type BatchItem } from "@/lib/graph/batch";
import { invokeExchangeCommand, type ExchangeAnswer } from "@/lib/graph/exchange-admin";
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from "@/lib/graph/retry";
import { acquireAppToken, type AppToken, type TokenResource } from "@/lib/identity/app-token";
import { IdentityError } from "@/lib/identity/identity-error";
import { probesFor, type ExchangeProbe, type GraphProbe, type ProbeContext, type ProbeLearned } from "@/lib/probes/catalog";
import { diagnose, type FailureFacts } from "@/lib/probes/diagnose";
import type { Finding } from "@/lib/probes/finding";

/** One probe's result in one iteration. */
export interface ProbeOutcome {
  probe: string;
  permission: string | null;
  outcome: "pass" | "fail" | "skip";
  httpStatus: number | null;
  latencyMs: number | null;
  requestId: string | null;
  errorCode: string | null;
  errorMessage: string | null;
  note: string | null;
  finding: Finding | null;
}

export interface TenantProbeTarget {
  id: string;
  initialDomain: string | null;
  testMailbox: string | null;
}

export interface ProbePass {
  outcomes: ProbeOutcome[];
  /** Roles in the Graph token (null when no token). */
  tokenRoles: string[] | null;
  exchangeTokenRoles: string[] | null;
  learned: ProbeLearned;
}

export interface ProbeDeps {
  acquireToken(tenantId: string, resource: TokenResource): Promise<AppToken>;
  graphBatch(accessToken: string, items: BatchItem[], policy: RetryPolicy): Promise<Map<string, BatchAnswer>>;
  invokeExchange(accessToken: string, tenant: string, cmdlet: string, policy: RetryPolicy): Promise<ExchangeAnswer>;
  policy: RetryPolicy;
  clientId: string;
  permissions: readonly string[];
}

export function liveProbeDeps(): ProbeDeps {
  const config = getConfig();
  return {
    acquireToken: (tenantId, resource) => acquireAppToken(tenantId, resource),
    graphBatch,
    invokeExchange: invokeExchangeCommand,
    policy: DEFAULT_RETRY_POLICY,
    clientId: config.clientId,
    permissions: config.appPermissions,
  };
}

function graphError(body: unknown): { code: string | null; message: string | null } {
  const error = (body as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
  return { code: typeof error?.code === "string" ? error.code : null, message: typeof error?.message === "string" ? error.message : null };
}

function skip(probe: string, permission: string | null, note: string): ProbeOutcome {
  return { probe, permission, outcome: "skip", httpStatus: null, latencyMs: null, requestId: null, errorCode: null, errorMessage: null, note, finding: null };
}

async function tokenOutcome(deps: ProbeDeps, tenantId: string, resource: TokenResource, probeKey: string): Promise<{ token: AppToken | null; outcome: ProbeOutcome }> {
  const started = performance.now();
  try {
    const token = await deps.acquireToken(tenantId, resource);
    const latencyMs = performance.now() - started;
    if (token.claims.tid !== tenantId) {
      const facts: FailureFacts = { probe: probeKey, permission: null, status: 200, code: "tid_mismatch", message: `Token tid ${token.claims.tid}, expected ${tenantId}.`, headers: {}, tokenRoles: token.claims.roles };
      return { token: null, outcome: { probe: probeKey, permission: null, outcome: "fail", httpStatus: 200, latencyMs, requestId: null, errorCode: "tid_mismatch", errorMessage: facts.message, note: null, finding: diagnose(facts) } };
    }
    if (resource === "graph" && token.claims.roles.length === 0) {
      const facts: FailureFacts = { probe: probeKey, permission: null, status: 200, code: "roles_missing", message: "The token has no roles claim.", headers: {}, tokenRoles: [] };
      return { token, outcome: { probe: probeKey, permission: null, outcome: "fail", httpStatus: 200, latencyMs, requestId: null, errorCode: "roles_missing", errorMessage: facts.message, note: null, finding: diagnose(facts) } };
    }
    return { token, outcome: { probe: probeKey, permission: null, outcome: "pass", httpStatus: 200, latencyMs, requestId: null, errorCode: null, errorMessage: null, note: `roles: ${token.claims.roles.join(", ") || "none"}`, finding: null } };
  } catch (error) {
    const latencyMs = performance.now() - started;
    const failure = error instanceof IdentityError ? error.failure : { error: "token_error", aadsts: null, description: error instanceof Error ? error.message : String(error), traceId: null, correlationId: null };
    const code = failure.aadsts ? `AADSTS${failure.aadsts}` : failure.error;
    const facts: FailureFacts = { probe: probeKey, permission: null, status: null, code, message: failure.description, headers: failure.traceId ? { "request-id": failure.traceId } : {}, tokenRoles: [] };
    return { token: null, outcome: { probe: probeKey, permission: null, outcome: "fail", httpStatus: null, latencyMs, requestId: failure.traceId, errorCode: code, errorMessage: failure.description, note: null, finding: diagnose(facts) } };
  }
}

function graphOutcome(probe: GraphProbe, answer: BatchAnswer | undefined, tokenRoles: string[], mailbox: string | null): { outcome: ProbeOutcome; learned?: ProbeLearned } {
  if (!answer) return { outcome: skip(probe.key, probe.permission, "no answer in the batch") };
  if (answer.status !== null && answer.status >= 200 && answer.status < 300) {
    const read = probe.read(answer.body);
    if (read) {
      return {
        outcome: { probe: probe.key, permission: probe.permission, outcome: "pass", httpStatus: answer.status, latencyMs: answer.latencyMs, requestId: answer.requestId, errorCode: null, errorMessage: null, note: read.note, finding: null },
        learned: read.learned,
      };
    }
  }
  const { code, message } = answer.status !== null && answer.status >= 200 && answer.status < 300 ? { code: "unexpected_response", message: "The answer did not have the expected shape." } : graphError(answer.body);
  const facts: FailureFacts = { probe: probe.key, permission: probe.permission, status: answer.status, code, message, headers: answer.headers, tokenRoles, mailbox: probe.needsMailbox ? mailbox : null };
  return {
    outcome: { probe: probe.key, permission: probe.permission, outcome: "fail", httpStatus: answer.status, latencyMs: answer.latencyMs, requestId: answer.requestId, errorCode: code, errorMessage: message, note: null, finding: diagnose(facts) },
  };
}

function exchangeOutcome(probe: ExchangeProbe, answer: ExchangeAnswer, tokenRoles: string[], addressedAs: string, initialDomain: string | null): ProbeOutcome {
  if (answer.status === 200) {
    return { probe: probe.key, permission: probe.permission, outcome: "pass", httpStatus: 200, latencyMs: answer.latencyMs, requestId: answer.requestId, errorCode: null, errorMessage: null, note: `${probe.cmdlet} answered for ${addressedAs}`, finding: null };
  }
  const { code, message } = graphError(answer.body);
  const facts: FailureFacts = {
    probe: "exchange",
    permission: probe.permission,
    status: answer.status,
    code,
    message,
    headers: answer.headers,
    tokenRoles,
    exchangeAddressedBy: initialDomain && addressedAs === initialDomain ? "initial" : "other",
    initialDomain,
  };
  return { probe: probe.key, permission: probe.permission, outcome: "fail", httpStatus: answer.status, latencyMs: answer.latencyMs, requestId: answer.requestId, errorCode: code, errorMessage: message, note: null, finding: diagnose(facts) };
}

/**
 * Runs every configured probe once against one tenant: the Graph and Exchange tokens in
 * parallel, then all Graph probes in one $batch and the Exchange call alongside it. When
 * no test mailbox is known yet, mailbox probes follow in a second batch with the first
 * licensed user found.
 */
export async function probeTenantOnce(target: TenantProbeTarget, deps: ProbeDeps): Promise<ProbePass> {
  const probes = probesFor(deps.permissions);
  const graphProbes = probes.filter((p): p is GraphProbe => p.kind === "graph");
  const exchangeProbe = probes.find((p): p is ExchangeProbe => p.kind === "exchange");
  const outcomes: ProbeOutcome[] = [];
  const learned: ProbeLearned = {};

  const [graph, exchange] = await Promise.all([
    tokenOutcome(deps, target.id, "graph", "token"),
    exchangeProbe ? tokenOutcome(deps, target.id, "exchange", "exchange-token") : Promise.resolve(null),
  ]);
  outcomes.push(graph.outcome);
  if (exchange) outcomes.push(exchange.outcome);
  const tokenRoles = graph.token?.claims.roles ?? null;
  const exchangeRoles = exchange?.token?.claims.roles ?? null;

  const ctx: ProbeContext = { clientId: deps.clientId, mailbox: target.testMailbox, initialDomain: target.initialDomain };

  const runGraph = async () => {
    if (!graph.token) {
      for (const p of graphProbes) outcomes.push(skip(p.key, p.permission, "no Graph token"));
      return;
    }
    const token = graph.token;
    const first = graphProbes.filter((p) => !p.needsMailbox || ctx.mailbox);
    const answers = first.length ? await deps.graphBatch(token.accessToken, first.map((p) => ({ id: p.key, url: p.path(ctx) })), deps.policy) : new Map<string, BatchAnswer>();
    for (const p of first) {
      const r = graphOutcome(p, answers.get(p.key), token.claims.roles, ctx.mailbox);
      outcomes.push(r.outcome);
      Object.assign(learned, Object.fromEntries(Object.entries(r.learned ?? {}).filter(([, v]) => v !== null && v !== undefined)));
    }
    const deferred = graphProbes.filter((p) => p.needsMailbox && !ctx.mailbox);
    if (deferred.length === 0) return;
    const mailbox = learned.mailboxCandidate ?? null;
    if (!mailbox) {
      for (const p of deferred) outcomes.push(skip(p.key, p.permission, "no test mailbox: none is set for this tenant and no licensed user with a mailbox was found"));
      return;
    }
    const second = await deps.graphBatch(token.accessToken, deferred.map((p) => ({ id: p.key, url: p.path({ ...ctx, mailbox }) })), deps.policy);
    for (const p of deferred) outcomes.push(graphOutcome(p, second.get(p.key), token.claims.roles, mailbox).outcome);
  };

  const runExchange = async (initialDomain: string | null) => {
    if (!exchangeProbe) return;
    if (!exchange?.token) {
      outcomes.push(skip("exchange", exchangeProbe.permission, "no Exchange token"));
      return;
    }
    const addressAs = initialDomain ?? target.id;
    const answer = await deps.invokeExchange(exchange.token.accessToken, addressAs, exchangeProbe.cmdlet, deps.policy);
    outcomes.push(exchangeOutcome(exchangeProbe, answer, exchange.token.claims.roles, addressAs, initialDomain));
  };

  if (target.initialDomain) {
    await Promise.all([runGraph(), runExchange(target.initialDomain)]);
  } else {
    // The initial domain comes from this run's organization or domains probe.
    await runGraph();
    await runExchange(learned.initialDomain ?? null);
  }
  return { outcomes, tokenRoles, exchangeTokenRoles: exchangeRoles, learned };
}
