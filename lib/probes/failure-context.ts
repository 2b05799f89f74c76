import "server-only";

import { diagnose } from "@/lib/diagnosis/diagnose";
import { isMailboxNotServed } from "@/lib/diagnosis/rules/mailbox";
import type { DiagnosisContext, FailureFacts } from "@/lib/diagnosis/facts";
import { exchangeRows } from "@/lib/graph/exchange-admin";
import type { AppToken } from "@/lib/identity/app-token";
import type { ProbeDeps, ProbeOutcome } from "@/lib/probes/runner";

/** Graph permissions that let `/users/{id}` return `onPremisesSyncEnabled` and `assignedLicenses`. */
const USER_READ = ["User.Read.All", "User.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All"];

export interface FailureContextSources {
  deps: ProbeDeps;
  graphToken: AppToken | null;
  /** An Exchange token whose admin-API call worked in this pass (so cmdlets can be run), and how the tenant was addressed. */
  exchange: { token: AppToken; addressAs: string } | null;
  /** Why there is no `exchange`: the app has no Exchange admin access, or the admin API failed in this pass. */
  exchangeMissing: "not_granted" | "failed";
  /**
   * What was read already in this run, by key: the passes of one run (a pass rate of N) ask once.
   * @default a new map (nothing shared)
   */
  cache?: Map<string, Promise<DiagnosisContext>>;
}

type Failure = { outcome: ProbeOutcome; facts: FailureFacts };

/**
 * Reads what tells apart causes that answer alike, only for failures that need it, and
 * diagnoses those failures again with it:
 * - a mailbox Microsoft will not serve (on-premises, inactive, soft-deleted, unlicensed): the
 *   user's `onPremisesSyncEnabled` and licences from Graph, and Exchange's recipient type
 *   (`Get-Recipient`, then `Get-Mailbox -InactiveMailboxOnly` / `-SoftDeletedMailbox`);
 * - a mailbox call denied without the role in the token: `Test-ServicePrincipalAuthorization`
 *   (RBAC for Applications);
 * - EWS refused: `Get-OrganizationConfig -RetrieveEwsOperationAccessPolicy` (EwsEnabled, EwsAllowedAppIDs).
 * Exchange cmdlets run only when the app's Exchange admin access worked in this pass.
 * @see https://learn.microsoft.com/powershell/module/exchange/get-recipient
 * @see https://learn.microsoft.com/powershell/module/exchange/test-serviceprincipalauthorization
 * @see https://learn.microsoft.com/exchange/client-developer/exchange-web-services/how-to-control-access-to-ews-in-exchange
 */
export async function rediagnoseWithContext(failures: Failure[], sources: FailureContextSources): Promise<void> {
  const mailboxFailures = failures.filter((f) => f.facts.context.mailbox && (isMailboxNotServed(f.facts) || f.facts.status === 500));
  const deniedFailures = failures.filter((f) => f.facts.context.mailbox && f.facts.probe !== "ews" && f.facts.status === 403 && f.facts.permission && f.facts.tokenRoles && !f.facts.tokenRoles.includes(f.facts.permission));
  const ewsFailures = failures.filter((f) => f.facts.probe === "ews" && (f.facts.status === 403 || f.facts.status === 401));
  if (mailboxFailures.length + deniedFailures.length + ewsFailures.length === 0) return;

  const cache = sources.cache ?? new Map<string, Promise<DiagnosisContext>>();
  const once = (key: string, read: () => Promise<DiagnosisContext>) => {
    let pending = cache.get(key);
    if (!pending) cache.set(key, (pending = read()));
    return pending;
  };
  const mailboxContext = (mailbox: string) => once(`mailbox:${mailbox.toLowerCase()}`, () => readMailboxContext(mailbox, sources));
  const rbacContext = (mailbox: string) => once(`rbac:${mailbox.toLowerCase()}`, () => readRbacContext(mailbox, sources));
  const ews = ewsFailures.length ? once("ews", () => readEwsContext(sources)) : Promise.resolve({});

  const redo = async (failure: Failure, more: Promise<DiagnosisContext>) => {
    const context = await more;
    if (Object.keys(context).length === 0) return;
    failure.facts = { ...failure.facts, context: { ...failure.facts.context, ...context } };
    failure.outcome.finding = diagnose(failure.facts);
  };
  await Promise.all([
    ...mailboxFailures.map((f) => redo(f, mailboxContext(f.facts.context.mailbox!))),
    ...deniedFailures.map((f) => redo(f, rbacContext(f.facts.context.mailbox!))),
    ...ewsFailures.map((f) => redo(f, ews)),
  ]);
}

/** Failures never stop the probes' own result: a context read that fails adds nothing. */
async function safely(read: () => Promise<DiagnosisContext>): Promise<DiagnosisContext> {
  try {
    return await read();
  } catch {
    return {};
  }
}

function readMailboxContext(mailbox: string, { deps, graphToken, exchange, exchangeMissing }: FailureContextSources): Promise<DiagnosisContext> {
  return safely(async () => {
    const context: DiagnosisContext = exchange ? {} : { exchangeLookup: exchangeMissing };
    const reads: Promise<void>[] = [];
    if (graphToken && graphToken.claims.roles.some((r) => USER_READ.includes(r))) {
      reads.push(
        (async () => {
          const answers = await deps.graphBatch(graphToken.accessToken, [{ id: "user", url: `/users/${encodeURIComponent(mailbox)}?$select=id,onPremisesSyncEnabled,assignedLicenses` }], deps.policy);
          const user = answers.get("user");
          if (user?.status !== 200 || !user.body || typeof user.body !== "object") return;
          const body = user.body as { onPremisesSyncEnabled?: unknown; assignedLicenses?: unknown };
          if (typeof body.onPremisesSyncEnabled === "boolean") context.onPremisesSyncEnabled = body.onPremisesSyncEnabled;
          else if (body.onPremisesSyncEnabled === null) context.onPremisesSyncEnabled = false;
          if (Array.isArray(body.assignedLicenses)) context.licensed = body.assignedLicenses.length > 0;
        })(),
      );
    }
    if (exchange) {
      reads.push(
        (async () => {
          const run = (cmdlet: string, parameters: Record<string, unknown>) => deps.invokeExchange(exchange.token.accessToken, exchange.addressAs, cmdlet, deps.policy, parameters);
          const recipient = exchangeRows(await run("Get-Recipient", { Identity: mailbox }));
          if (recipient === null) return void (context.exchangeLookup = "failed");
          const found = recipient[0];
          if (found && typeof found.RecipientTypeDetails === "string") {
            context.recipientTypeDetails = found.RecipientTypeDetails;
            if (found.IsInactiveMailbox === true) context.isInactiveMailbox = true;
            return;
          }
          // Inactive first: an inactive mailbox is a soft-deleted one kept by a hold, so -SoftDeletedMailbox lists it too.
          const inactive = exchangeRows(await run("Get-Mailbox", { Identity: mailbox, InactiveMailboxOnly: true }));
          if (inactive?.length) return void (context.isInactiveMailbox = true);
          const softDeleted = exchangeRows(await run("Get-Mailbox", { Identity: mailbox, SoftDeletedMailbox: true }));
          if (softDeleted?.some((row) => row.IsInactiveMailbox === true)) context.isInactiveMailbox = true;
          else if (softDeleted?.length) context.softDeleted = true;
          else if (inactive && softDeleted) context.recipientTypeDetails = "none";
          else context.exchangeLookup = "failed";
        })(),
      );
    }
    await Promise.all(reads);
    return context;
  });
}

function readRbacContext(mailbox: string, { deps, exchange }: FailureContextSources): Promise<DiagnosisContext> {
  if (!exchange) return Promise.resolve({});
  return safely(async () => {
    const rows = exchangeRows(await deps.invokeExchange(exchange.token.accessToken, exchange.addressAs, "Test-ServicePrincipalAuthorization", deps.policy, { Identity: deps.clientId, Resource: mailbox }));
    if (rows === null) return {};
    return {
      rbacAssignments: rows.map((r) => ({
        roleName: String(r.RoleName ?? ""),
        grantedPermissions: String(r.GrantedPermissions ?? ""),
        scope: typeof r.AllowedResourceScope === "string" ? r.AllowedResourceScope : null,
        inScope: r.InScope === true || r.InScope === "True",
      })),
    };
  });
}

function readEwsContext({ deps, exchange }: FailureContextSources): Promise<DiagnosisContext> {
  if (!exchange) return Promise.resolve({});
  return safely(async () => {
    const rows = exchangeRows(await deps.invokeExchange(exchange.token.accessToken, exchange.addressAs, "Get-OrganizationConfig", deps.policy, { RetrieveEwsOperationAccessPolicy: true }));
    const org = rows?.[0];
    if (!org) return {};
    const context: DiagnosisContext = {};
    // A property the answer lacks stays unknown; null is "not set".
    if ("EwsEnabled" in org) {
      const enabled = org.EwsEnabled;
      context.ewsEnabled = enabled === true || enabled === "True" ? true : enabled === false || enabled === "False" ? false : null;
    }
    if ("EwsAllowedAppIDs" in org) {
      // One comma-joined string, a list of them, or null (Set-OrganizationConfig -EwsAllowedAppIDs "id1,id2").
      const allowed = org.EwsAllowedAppIDs;
      const parts = Array.isArray(allowed) ? allowed : allowed === null || allowed === undefined ? [] : [allowed];
      context.ewsAllowedAppIds = parts.flatMap((p) => String(p).split(/[,;\s]+/)).filter(Boolean);
    }
    return context;
  });
}
