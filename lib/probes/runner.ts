import "server-only";

import { getConfig } from "@/lib/config";
import { graphBatch, type BatchAnswer, type BatchItem } from "@/lib/graph/batch";
import { ewsGetFolder, type EwsAnswer } from "@/lib/graph/ews";
import { invokeExchangeCommand, type ExchangeAnswer } from "@/lib/graph/exchange-admin";
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from "@/lib/graph/retry";
import { sharepointGet, sharepointRootFor, type SharePointAnswer } from "@/lib/graph/sharepoint-rest";
import { acquireAppToken, type AppToken, type TokenResource } from "@/lib/identity/app-token";
import { IdentityError } from "@/lib/identity/identity-error";
import {
  NEED_MISSING,
  probesFor,
  type EwsProbe,
  type ExchangeProbe,
  type GraphProbe,
  type ProbeContext,
  type ProbeLearned,
  type ProbeNeed,
  type SharePointProbe,
} from "@/lib/probes/catalog";
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
  /** Roles in the token for the tenant's SharePoint (null when none was asked for or issued). */
  sharepointTokenRoles: string[] | null;
  learned: ProbeLearned;
}

export interface ProbeDeps {
  /** `sharepointRoot` names the tenant's SharePoint when `resource` is "sharepoint". */
  acquireToken(tenantId: string, resource: TokenResource, sharepointRoot?: string): Promise<AppToken>;
  graphBatch(accessToken: string, items: BatchItem[], policy: RetryPolicy): Promise<Map<string, BatchAnswer>>;
  invokeExchange(accessToken: string, tenant: string, cmdlet: string, policy: RetryPolicy): Promise<ExchangeAnswer>;
  ewsGetFolder(accessToken: string, mailbox: string, folder: string, policy: RetryPolicy): Promise<EwsAnswer>;
  sharepointGet(accessToken: string, siteUrl: string, path: string, policy: RetryPolicy): Promise<SharePointAnswer>;
  /** The tenant's SharePoint root site URL, from what is known (see {@link sharepointRootFor}). */
  sharepointRoot(initialDomain: string | null, learnedRoot: string | null): string | null;
  policy: RetryPolicy;
  clientId: string;
  /** Configured permissions: `Resource/Value` names, bare Graph names, or `{ resource, value }`. */
  permissions: readonly (string | { resource: string; value: string })[];
}

export function liveProbeDeps(): ProbeDeps {
  const config = getConfig();
  return {
    acquireToken: (tenantId, resource, sharepointRoot) => acquireAppToken(tenantId, resource, { sharepointRoot }),
    graphBatch,
    invokeExchange: invokeExchangeCommand,
    ewsGetFolder,
    sharepointGet,
    sharepointRoot: sharepointRootFor,
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

async function tokenOutcome(deps: ProbeDeps, tenantId: string, resource: TokenResource, probeKey: string, sharepointRoot?: string): Promise<{ token: AppToken | null; outcome: ProbeOutcome }> {
  const started = performance.now();
  try {
    const token = await deps.acquireToken(tenantId, resource, sharepointRoot);
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
  const answered = answer.status !== null && ((answer.status >= 200 && answer.status < 300) || (probe.okStatuses ?? []).includes(answer.status));
  if (answered) {
    const read = probe.read(answer.body, answer.headers);
    if (read) {
      return {
        outcome: { probe: probe.key, permission: probe.permission, outcome: "pass", httpStatus: answer.status, latencyMs: answer.latencyMs, requestId: answer.requestId, errorCode: null, errorMessage: null, note: read.note, finding: null },
        learned: read.learned,
      };
    }
  }
  const { code, message } = answered ? { code: "unexpected_response", message: "The answer did not have the expected shape." } : graphError(answer.body);
  const facts: FailureFacts = { probe: probe.key, permission: probe.permission, status: answer.status, code, message, headers: answer.headers, tokenRoles, mailbox: probe.needs.includes("mailbox") ? mailbox : null };
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

function ewsOutcome(probe: EwsProbe, answer: EwsAnswer, tokenRoles: string[], mailbox: string): ProbeOutcome {
  const read = answer.status === 200 ? probe.read(answer.xml) : null;
  const base = { probe: probe.key, permission: probe.permission, httpStatus: answer.status, latencyMs: answer.latencyMs, requestId: answer.requestId };
  if (read) return { ...base, outcome: "pass", errorCode: null, errorMessage: null, note: `${read.note} of ${mailbox}`, finding: null };
  const code = answer.responseCode ?? (answer.status === 200 ? "unexpected_response" : answer.status === null ? "network_error" : `http_${answer.status}`);
  const message = answer.message ?? (answer.status === 401 ? "Exchange Web Services refused the token." : `Exchange Web Services answered ${answer.status ?? "nothing"}.`);
  const facts: FailureFacts = { probe: probe.key, permission: probe.permission, status: answer.status, code, message, headers: answer.headers, tokenRoles, mailbox };
  return { ...base, outcome: "fail", errorCode: code, errorMessage: message, note: null, finding: diagnose(facts) };
}

function sharepointError(body: unknown): { code: string | null; message: string | null } {
  const odata = (body as { "odata.error"?: { code?: unknown; message?: { value?: unknown } } } | undefined)?.["odata.error"];
  if (odata) return { code: typeof odata.code === "string" ? odata.code : null, message: typeof odata.message?.value === "string" ? odata.message.value : null };
  const description = (body as { error_description?: unknown } | undefined)?.error_description;
  if (typeof description === "string") return { code: "invalid_token", message: description };
  return graphError(body);
}

function sharepointOutcome(probe: SharePointProbe, answer: SharePointAnswer, tokenRoles: string[]): ProbeOutcome {
  const read = answer.status === 200 ? probe.read(answer.body) : null;
  const base = { probe: probe.key, permission: probe.permission, httpStatus: answer.status, latencyMs: answer.latencyMs, requestId: answer.requestId };
  if (read) return { ...base, outcome: "pass", errorCode: null, errorMessage: null, note: read.note, finding: null };
  const { code, message } = answer.status === 200 ? { code: "unexpected_response", message: "The answer did not have the expected shape." } : sharepointError(answer.body);
  const facts: FailureFacts = { probe: probe.key, permission: probe.permission, status: answer.status, code, message, headers: answer.headers, tokenRoles };
  return { ...base, outcome: "fail", errorCode: code, errorMessage: message, note: null, finding: diagnose(facts) };
}

/** Copies what a probe learned, leaving out what it could not tell (null/undefined). */
function absorb(learned: ProbeLearned, more: ProbeLearned | undefined): void {
  Object.assign(learned, Object.fromEntries(Object.entries(more ?? {}).filter(([, v]) => v !== null && v !== undefined)));
}

/**
 * Runs every configured probe once against one tenant, as three chains side by side, each
 * with its own token: Graph (its probes in JSON batches of at most 20, in rounds: probes
 * that need a mailbox, a team or a channel wait for the round whose probes find one),
 * Exchange (the admin API, addressed by the initial domain, and EWS on the test mailbox)
 * and SharePoint (REST on the tenant's root site). A chain waits for the Graph chain only
 * for what Graph finds (initial domain, test mailbox, SharePoint root), so a tenant takes
 * about as long as its slowest chain.
 */
export async function probeTenantOnce(target: TenantProbeTarget, deps: ProbeDeps): Promise<ProbePass> {
  const probes = probesFor(deps.permissions);
  const graphProbes = probes.filter((p): p is GraphProbe => p.kind === "graph");
  const exchangeProbe = probes.find((p): p is ExchangeProbe => p.kind === "exchange");
  const ewsProbe = probes.find((p): p is EwsProbe => p.kind === "ews");
  const sharepointProbes = probes.filter((p): p is SharePointProbe => p.kind === "sharepoint");
  const graphOutcomes: ProbeOutcome[] = [];
  const learned: ProbeLearned = {};
  const ctx: ProbeContext = { clientId: deps.clientId, mailbox: target.testMailbox, initialDomain: target.initialDomain, teamId: null, channelId: null };
  const has = (need: ProbeNeed) => (need === "mailbox" ? ctx.mailbox : need === "team" ? ctx.teamId : ctx.channelId) != null;

  const graphChain = async () => {
    const graph = await tokenOutcome(deps, target.id, "graph", "token");
    if (!graph.token) {
      for (const p of graphProbes) graphOutcomes.push(skip(p.key, p.permission, "no Graph token"));
      return graph;
    }
    const token = graph.token;
    let remaining = [...graphProbes];
    for (;;) {
      const ready = remaining.filter((p) => p.needs.every(has));
      if (ready.length === 0) break;
      remaining = remaining.filter((p) => !ready.includes(p));
      const answers = await deps.graphBatch(token.accessToken, ready.map((p) => ({ id: p.key, url: p.path(ctx) })), deps.policy);
      for (const p of ready) {
        const r = graphOutcome(p, answers.get(p.key), token.claims.roles, ctx.mailbox);
        graphOutcomes.push(r.outcome);
        absorb(learned, r.learned);
      }
      ctx.mailbox ??= learned.mailboxCandidate ?? null;
      ctx.teamId ??= learned.teamCandidate ?? null;
      ctx.channelId ??= learned.channelCandidate ?? null;
    }
    for (const p of remaining) graphOutcomes.push(skip(p.key, p.permission, NEED_MISSING[p.needs.find((n) => !has(n))!]));
    return graph;
  };

  const exchangeChain = async (graphDone: Promise<unknown>) => {
    if (!exchangeProbe && !ewsProbe) return null;
    const exchange = await tokenOutcome(deps, target.id, "exchange", "exchange-token");
    const calls: ProbeOutcome[] = [];
    if (!exchange.token) {
      for (const p of [exchangeProbe, ewsProbe]) if (p) calls.push(skip(p.key, p.permission, "no Exchange token"));
      return { exchange, calls };
    }
    const token = exchange.token;
    const adminCall = async () => {
      if (!exchangeProbe) return;
      // The initial domain comes from this run's organization or domains probe when it is not known yet.
      if (!target.initialDomain) await graphDone;
      const initialDomain = target.initialDomain ?? learned.initialDomain ?? null;
      const addressAs = initialDomain ?? target.id;
      const answer = await deps.invokeExchange(token.accessToken, addressAs, exchangeProbe.cmdlet, deps.policy);
      calls.push(exchangeOutcome(exchangeProbe, answer, token.claims.roles, addressAs, initialDomain));
    };
    const ewsCall = async () => {
      if (!ewsProbe) return;
      if (!target.testMailbox) await graphDone;
      const mailbox = target.testMailbox ?? learned.mailboxCandidate ?? null;
      if (!mailbox) return void calls.push(skip(ewsProbe.key, ewsProbe.permission, NEED_MISSING.mailbox));
      const answer = await deps.ewsGetFolder(token.accessToken, mailbox, ewsProbe.folder, deps.policy);
      calls.push(ewsOutcome(ewsProbe, answer, token.claims.roles, mailbox));
    };
    await Promise.all([adminCall(), ewsCall()]);
    const order: (string | undefined)[] = [exchangeProbe?.key, ewsProbe?.key];
    calls.sort((a, b) => order.indexOf(a.probe) - order.indexOf(b.probe));
    return { exchange, calls };
  };

  const sharepointChain = async (graphDone: Promise<unknown>) => {
    if (sharepointProbes.length === 0) return null;
    let root = deps.sharepointRoot(target.initialDomain, null);
    if (!root) {
      await graphDone;
      root = deps.sharepointRoot(target.initialDomain ?? learned.initialDomain ?? null, learned.sharepointRoot ?? null);
    }
    if (!root) {
      const why = "the tenant's SharePoint address is not known: grant Graph's Sites.Read.All so /sites/root can tell it";
      return { sharepoint: { token: null, outcome: skip("sharepoint-token", null, why) }, calls: sharepointProbes.map((p) => skip(p.key, p.permission, why)) };
    }
    const sharepoint = await tokenOutcome(deps, target.id, "sharepoint", "sharepoint-token", root);
    if (!sharepoint.token) return { sharepoint, calls: sharepointProbes.map((p) => skip(p.key, p.permission, "no SharePoint token")) };
    const token = sharepoint.token;
    const calls = await Promise.all(sharepointProbes.map(async (p) => sharepointOutcome(p, await deps.sharepointGet(token.accessToken, root, p.path, deps.policy), token.claims.roles)));
    return { sharepoint, calls };
  };

  const graphDone = graphChain();
  const [graph, exchange, sharepoint] = await Promise.all([graphDone, exchangeChain(graphDone), sharepointChain(graphDone)]);
  const outcomes = [
    graph.outcome,
    ...(exchange ? [exchange.exchange.outcome] : []),
    ...(sharepoint ? [sharepoint.sharepoint.outcome] : []),
    ...graphOutcomes,
    ...(exchange ? exchange.calls : []),
    ...(sharepoint ? sharepoint.calls : []),
  ];
  return {
    outcomes,
    tokenRoles: graph.token?.claims.roles ?? null,
    exchangeTokenRoles: exchange?.exchange.token?.claims.roles ?? null,
    sharepointTokenRoles: sharepoint?.sharepoint.token?.claims.roles ?? null,
    learned,
  };
}
