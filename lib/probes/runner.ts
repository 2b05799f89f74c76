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
 * Runs every configured probe once against one tenant, as two chains side by side: the
 * Graph token then all Graph probes in one $batch, and the Exchange token then the
 * Exchange call. Neither chain waits for the other's token, so a tenant takes as long as
 * its slower chain. When no test mailbox is known yet, mailbox probes follow in a second
 * batch with the first licensed user found; when the initial domain is not known yet, the
 * Exchange call waits for the Graph probes that find it.
 */
export async function probeTenantOnce(target: TenantProbeTarget, deps: ProbeDeps): Promise<ProbePass> {
  const probes = probesFor(deps.permissions);
  const graphProbes = probes.filter((p): p is GraphProbe => p.kind === "graph");
  const exchangeProbe = probes.find((p): p is ExchangeProbe => p.kind === "exchange");
  const graphOutcomes: ProbeOutcome[] = [];
  const learned: ProbeLearned = {};
  const ctx: ProbeContext = { clientId: deps.clientId, mailbox: target.testMailbox, initialDomain: target.initialDomain };

  const graphChain = async () => {
    const graph = await tokenOutcome(deps, target.id, "graph", "token");
    if (!graph.token) {
      for (const p of graphProbes) graphOutcomes.push(skip(p.key, p.permission, "no Graph token"));
      return graph;
    }
    const token = graph.token;
    const first = graphProbes.filter((p) => !p.needsMailbox || ctx.mailbox);
    const answers = first.length ? await deps.graphBatch(token.accessToken, first.map((p) => ({ id: p.key, url: p.path(ctx) })), deps.policy) : new Map<string, BatchAnswer>();
    for (const p of first) {
      const r = graphOutcome(p, answers.get(p.key), token.claims.roles, ctx.mailbox);
      graphOutcomes.push(r.outcome);
      Object.assign(learned, Object.fromEntries(Object.entries(r.learned ?? {}).filter(([, v]) => v !== null && v !== undefined)));
    }
    const deferred = graphProbes.filter((p) => p.needsMailbox && !ctx.mailbox);
    if (deferred.length === 0) return graph;
    const mailbox = learned.mailboxCandidate ?? null;
    if (!mailbox) {
      for (const p of deferred) graphOutcomes.push(skip(p.key, p.permission, "no test mailbox: none is set for this tenant and no licensed user with a mailbox was found"));
      return graph;
    }
    const second = await deps.graphBatch(token.accessToken, deferred.map((p) => ({ id: p.key, url: p.path({ ...ctx, mailbox }) })), deps.policy);
    for (const p of deferred) graphOutcomes.push(graphOutcome(p, second.get(p.key), token.claims.roles, mailbox).outcome);
    return graph;
  };

  const exchangeChain = async (graphDone: Promise<unknown>) => {
    if (!exchangeProbe) return null;
    const exchange = await tokenOutcome(deps, target.id, "exchange", "exchange-token");
    if (!exchange.token) return { exchange, call: skip("exchange", exchangeProbe.permission, "no Exchange token") };
    // The initial domain comes from this run's organization or domains probe when it is not known yet.
    if (!target.initialDomain) await graphDone;
    const initialDomain = target.initialDomain ?? learned.initialDomain ?? null;
    const addressAs = initialDomain ?? target.id;
    const answer = await deps.invokeExchange(exchange.token.accessToken, addressAs, exchangeProbe.cmdlet, deps.policy);
    return { exchange, call: exchangeOutcome(exchangeProbe, answer, exchange.token.claims.roles, addressAs, initialDomain) };
  };

  const graphDone = graphChain();
  const [graph, exchange] = await Promise.all([graphDone, exchangeChain(graphDone)]);
  const outcomes = [graph.outcome, ...(exchange ? [exchange.exchange.outcome] : []), ...graphOutcomes, ...(exchange ? [exchange.call] : [])];
  return { outcomes, tokenRoles: graph.token?.claims.roles ?? null, exchangeTokenRoles: exchange?.exchange.token?.claims.roles ?? null, learned };
}
