import "server-only";

import { getConfig } from "@/lib/config";
import { graphBatch, type BatchAnswer, type BatchItem } from "@/lib/graph/batch";
import { ewsGetFolder, type EwsAnswer } from "@/lib/graph/ews";
import { invokeExchangeCommand, type ExchangeAnswer } from "@/lib/graph/exchange-admin";
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from "@/lib/graph/retry";
import { sharepointGet, sharepointRootFor, type SharePointAnswer } from "@/lib/graph/sharepoint-rest";
import { acquireAppToken, type AppToken, type TokenResource } from "@/lib/identity/app-token";
import { IdentityError, localIdentityFailure } from "@/lib/identity/identity-error";
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
import { diagnose } from "@/lib/diagnosis/diagnose";
import { failureFacts, type DiagnosisContext, type FailureFacts } from "@/lib/diagnosis/facts";
import type { Finding } from "@/lib/diagnosis/finding";
import { rediagnoseWithContext, type FailureContextSources } from "@/lib/probes/failure-context";
import { readServiceError } from "@/lib/graph/service-error";

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
  invokeExchange(accessToken: string, tenant: string, cmdlet: string, policy: RetryPolicy, parameters?: Record<string, unknown>): Promise<ExchangeAnswer>;
  ewsGetFolder(accessToken: string, mailbox: string, folder: string, policy: RetryPolicy): Promise<EwsAnswer>;
  sharepointGet(accessToken: string, siteUrl: string, path: string, policy: RetryPolicy): Promise<SharePointAnswer>;
  /** The tenant's SharePoint root site URL, from what is known (see {@link sharepointRootFor}). */
  sharepointRoot(initialDomain: string | null, learnedRoot: string | null): string | null;
  policy: RetryPolicy;
  clientId: string;
  /** What failure diagnoses already read in this run (set by the caller running N passes, so they ask once). */
  failureContextCache?: Map<string, Promise<DiagnosisContext>>;
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

function skip(probe: string, permission: string | null, note: string): ProbeOutcome {
  return { probe, permission, outcome: "skip", httpStatus: null, latencyMs: null, requestId: null, errorCode: null, errorMessage: null, note, finding: null };
}

async function tokenOutcome(deps: ProbeDeps, tenantId: string, resource: TokenResource, probeKey: string, sharepointRoot?: string): Promise<{ token: AppToken | null; outcome: ProbeOutcome }> {
  const started = performance.now();
  try {
    const token = await deps.acquireToken(tenantId, resource, sharepointRoot);
    const latencyMs = performance.now() - started;
    if (token.claims.tid !== tenantId) {
      const facts = failureFacts({ probe: probeKey, status: 200, code: "tid_mismatch", message: `Token tid ${token.claims.tid}, expected ${tenantId}.`, tokenRoles: token.claims.roles });
      return { token: null, outcome: { probe: probeKey, permission: null, outcome: "fail", httpStatus: 200, latencyMs, requestId: null, errorCode: "tid_mismatch", errorMessage: facts.message, note: null, finding: diagnose(facts) } };
    }
    if (resource === "graph" && token.claims.roles.length === 0) {
      const facts = failureFacts({ probe: probeKey, status: 200, code: "roles_missing", message: "The token has no roles claim.", tokenRoles: [] });
      return { token, outcome: { probe: probeKey, permission: null, outcome: "fail", httpStatus: 200, latencyMs, requestId: null, errorCode: "roles_missing", errorMessage: facts.message, note: null, finding: diagnose(facts) } };
    }
    return { token, outcome: { probe: probeKey, permission: null, outcome: "pass", httpStatus: 200, latencyMs, requestId: null, errorCode: null, errorMessage: null, note: `roles: ${token.claims.roles.join(", ") || "none"}`, finding: null } };
  } catch (error) {
    const latencyMs = performance.now() - started;
    const failure = error instanceof IdentityError ? error.failure : localIdentityFailure("token_error", error instanceof Error ? error.message : String(error));
    const code = failure.aadsts ? `AADSTS${failure.aadsts}` : failure.error;
    const facts = failureFacts({
      probe: probeKey,
      status: failure.status,
      transport: failure.transport,
      code: failure.error,
      aadsts: failure.aadsts,
      message: failure.description,
      headers: failure.traceId ? { "request-id": failure.traceId } : {},
      context: { clientId: deps.clientId },
    });
    return { token: null, outcome: { probe: probeKey, permission: null, outcome: "fail", httpStatus: failure.status, latencyMs, requestId: failure.traceId, errorCode: code, errorMessage: failure.description, note: null, finding: diagnose(facts) } };
  }
}

/** The facts behind each failed outcome, kept so a diagnosis can be redone once more context is read. */
const FACTS = new WeakMap<ProbeOutcome, FailureFacts>();

type OutcomeBase = Pick<ProbeOutcome, "probe" | "permission" | "httpStatus" | "latencyMs" | "requestId">;

function failed(base: OutcomeBase, facts: FailureFacts): ProbeOutcome {
  const outcome: ProbeOutcome = { ...base, outcome: "fail", errorCode: facts.code, errorMessage: facts.message, note: null, finding: diagnose(facts) };
  FACTS.set(outcome, facts);
  return outcome;
}

/** A failed answer's facts: its error as the service worded it (never the raw body), and no answer as a transport failure. */
function answerFacts(probe: { key: string; permission: string | null }, status: number | null, body: unknown, headers: Record<string, string>, tokenRoles: string[], context: DiagnosisContext): FailureFacts {
  const { code, message } = readServiceError(body);
  const transport = status === null ? (code === "timeout" ? "timeout" : "network") : null;
  return failureFacts({ probe: probe.key, permission: probe.permission, status, transport, code: code ?? (status === null ? null : `http_${status}`), message, headers, tokenRoles, context });
}

const UNEXPECTED = { code: "unexpected_response", message: "The answer did not have the expected shape." };

function graphOutcome(probe: GraphProbe, answer: BatchAnswer | undefined, tokenRoles: string[], context: DiagnosisContext): { outcome: ProbeOutcome; learned?: ProbeLearned } {
  if (!answer) return { outcome: skip(probe.key, probe.permission, "no answer in the batch") };
  const base = { probe: probe.key, permission: probe.permission, httpStatus: answer.status, latencyMs: answer.latencyMs, requestId: answer.requestId };
  const answered = answer.status !== null && ((answer.status >= 200 && answer.status < 300) || (probe.okStatuses ?? []).includes(answer.status));
  if (answered) {
    const read = probe.read(answer.body, answer.headers);
    if (read) return { outcome: { ...base, outcome: "pass", errorCode: null, errorMessage: null, note: read.note, finding: null }, learned: read.learned };
    return { outcome: failed(base, failureFacts({ probe: probe.key, permission: probe.permission, status: answer.status, ...UNEXPECTED, headers: answer.headers, tokenRoles, context })) };
  }
  return { outcome: failed(base, answerFacts(probe, answer.status, answer.body, answer.headers, tokenRoles, context)) };
}

function exchangeOutcome(probe: ExchangeProbe, answer: ExchangeAnswer, tokenRoles: string[], addressedAs: string, initialDomain: string | null, clientId: string): ProbeOutcome {
  const base = { probe: probe.key, permission: probe.permission, httpStatus: answer.status, latencyMs: answer.latencyMs, requestId: answer.requestId };
  if (answer.status === 200) return { ...base, outcome: "pass", errorCode: null, errorMessage: null, note: `${probe.cmdlet} answered for ${addressedAs}`, finding: null };
  const context: DiagnosisContext = { clientId, initialDomain, exchangeAddressedBy: initialDomain && addressedAs === initialDomain ? "initial" : "other" };
  return failed(base, answerFacts(probe, answer.status, answer.body, answer.headers, tokenRoles, context));
}

/** EWS in Exchange Online is switched off for good on 2027-04-01 (Learn, "Deprecation of EWS in Exchange Online"). */
const EWS_END_NOTE = "EWS in Exchange Online ends on 2027-04-01: move this app to Microsoft Graph";

function ewsOutcome(probe: EwsProbe, answer: EwsAnswer, tokenRoles: string[], mailbox: string, clientId: string): ProbeOutcome {
  const read = answer.status === 200 ? probe.read(answer.xml) : null;
  const base = { probe: probe.key, permission: probe.permission, httpStatus: answer.status, latencyMs: answer.latencyMs, requestId: answer.requestId };
  if (read) return { ...base, outcome: "pass", errorCode: null, errorMessage: null, note: `${read.note} of ${mailbox}. ${EWS_END_NOTE}.`, finding: null };
  const transport = answer.status === null ? (answer.responseCode === "timeout" ? "timeout" : "network") : null;
  const code = answer.responseCode ?? (answer.status === 200 ? "unexpected_response" : answer.status === null ? null : `http_${answer.status}`);
  const message = answer.message ?? (answer.status === 401 ? "Exchange Web Services refused the token." : answer.status === null ? null : `Exchange Web Services answered ${answer.status}.`);
  return failed(base, failureFacts({ probe: probe.key, permission: probe.permission, status: answer.status, transport, code, message, headers: answer.headers, tokenRoles, context: { mailbox, clientId } }));
}

function sharepointOutcome(probe: SharePointProbe, answer: SharePointAnswer, tokenRoles: string[]): ProbeOutcome {
  const read = answer.status === 200 ? probe.read(answer.body) : null;
  const base = { probe: probe.key, permission: probe.permission, httpStatus: answer.status, latencyMs: answer.latencyMs, requestId: answer.requestId };
  if (read) return { ...base, outcome: "pass", errorCode: null, errorMessage: null, note: read.note, finding: null };
  if (answer.status === 200) return failed(base, failureFacts({ probe: probe.key, permission: probe.permission, status: 200, ...UNEXPECTED, headers: answer.headers, tokenRoles }));
  return failed(base, answerFacts(probe, answer.status, answer.body, answer.headers, tokenRoles, {}));
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
        const r = graphOutcome(p, answers.get(p.key), token.claims.roles, p.needs.includes("mailbox") ? { mailbox: ctx.mailbox, clientId: deps.clientId } : { clientId: deps.clientId });
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
      calls.push(exchangeOutcome(exchangeProbe, answer, token.claims.roles, addressAs, initialDomain, deps.clientId));
      if (answer.status === 200) exchangeAdmin = { token, addressAs };
    };
    const ewsCall = async () => {
      if (!ewsProbe) return;
      if (!target.testMailbox) await graphDone;
      const mailbox = target.testMailbox ?? learned.mailboxCandidate ?? null;
      if (!mailbox) return void calls.push(skip(ewsProbe.key, ewsProbe.permission, NEED_MISSING.mailbox));
      const answer = await deps.ewsGetFolder(token.accessToken, mailbox, ewsProbe.folder, deps.policy);
      calls.push(ewsOutcome(ewsProbe, answer, token.claims.roles, mailbox, deps.clientId));
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

  let exchangeAdmin: FailureContextSources["exchange"] = null;
  const graphDone = graphChain();
  const [graph, exchange, sharepoint] = await Promise.all([graphDone, exchangeChain(graphDone), sharepointChain(graphDone)]);
  const outcomes: ProbeOutcome[] = [
    graph.outcome,
    ...(exchange ? [exchange.exchange.outcome] : []),
    ...(sharepoint ? [sharepoint.sharepoint.outcome] : []),
    ...graphOutcomes,
    ...(exchange ? exchange.calls : []),
    ...(sharepoint ? sharepoint.calls : []),
  ];
  const failures = outcomes.flatMap((outcome) => {
    const facts = FACTS.get(outcome);
    return facts ? [{ outcome, facts }] : [];
  });
  await rediagnoseWithContext(failures, {
    deps,
    graphToken: graph.token,
    exchange: exchangeAdmin,
    exchangeMissing: exchange?.exchange.token?.claims.roles.includes("Exchange.ManageAsApp") ? "failed" : "not_granted",
    cache: deps.failureContextCache,
  });
  return {
    outcomes,
    tokenRoles: graph.token?.claims.roles ?? null,
    exchangeTokenRoles: exchange?.exchange.token?.claims.roles ?? null,
    sharepointTokenRoles: sharepoint?.sharepoint.token?.claims.roles ?? null,
    learned,
  };
}
