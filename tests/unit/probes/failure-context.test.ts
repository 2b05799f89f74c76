import { describe, expect, it } from "vitest";

import { diagnose } from "@/lib/diagnosis/diagnose";
import { failureFacts, type FailureFacts } from "@/lib/diagnosis/facts";
import type { ExchangeAnswer } from "@/lib/graph/exchange-admin";
import { DEFAULT_RETRY_POLICY } from "@/lib/graph/retry";
import type { AppToken } from "@/lib/identity/app-token";
import { rediagnoseWithContext } from "@/lib/probes/failure-context";
import type { ProbeDeps, ProbeOutcome } from "@/lib/probes/runner";

const APP = "5e0c1d2a-7b3f-4c59-9a8e-0d6f2b4c8a17";
const MAILBOX = "kim@contoso.com";
const token = (roles: string[]): AppToken => ({ accessToken: "t", claims: { tid: "t", appid: APP, roles, oid: null, idtyp: "app", appidacr: "2" }, expiresOn: null });
const ok = (value: unknown[]): ExchangeAnswer => ({ status: 200, headers: {}, body: { value }, latencyMs: 1, requestId: null });
const notFound: ExchangeAnswer = { status: 404, headers: {}, body: { error: { code: "NotFound", message: "The operation couldn't be performed because object 'kim' couldn't be found on 'X.PROD.OUTLOOK.COM'." } }, latencyMs: 1, requestId: null };
const throttled: ExchangeAnswer = { status: 429, headers: { "retry-after": "1" }, body: { error: { code: "TooManyRequests", message: "Too many requests." } }, latencyMs: 1, requestId: null };

/** Fake Microsoft: cmdlets answered from a table by cmdlet and switch; Graph's user read as given. */
function deps(cmdlets: Record<string, ExchangeAnswer>, user: unknown = { id: "u", onPremisesSyncEnabled: null, assignedLicenses: [{}] }) {
  const calls: string[] = [];
  const d = {
    policy: DEFAULT_RETRY_POLICY,
    clientId: APP,
    graphBatch: async () => {
      calls.push("graph:user");
      return new Map([["user", { id: "user", status: 200, headers: {}, body: user, latencyMs: 1, sends: 1, requestId: null }]]);
    },
    invokeExchange: async (_t: string, _a: string, cmdlet: string, _p: unknown, parameters: Record<string, unknown> = {}) => {
      const key = [cmdlet, ...Object.keys(parameters).filter((k) => k !== "Identity" && k !== "Resource")].join(" -");
      calls.push(key);
      return cmdlets[key] ?? notFound;
    },
  } as unknown as ProbeDeps;
  return { d, calls };
}

function failing(facts: Partial<FailureFacts>) {
  const f = failureFacts({ probe: "mail", permission: "Mail.Read", status: 404, code: "MailboxNotEnabledForRESTAPI", message: "The mailbox is either inactive, soft-deleted, or is hosted on-premise.", tokenRoles: ["Mail.Read", "User.Read.All"], context: { mailbox: MAILBOX, clientId: APP }, ...facts });
  // As the runner leaves it: diagnosed from the answer alone, before any context is read.
  const outcome = { probe: f.probe, finding: diagnose(f) } as unknown as ProbeOutcome;
  return { outcome, facts: f };
}

async function findingOf(cmdlets: Record<string, ExchangeAnswer>, facts: Partial<FailureFacts> = {}, options: { user?: unknown; exchange?: boolean } = {}) {
  const { d, calls } = deps(cmdlets, options.user);
  const failure = failing(facts);
  await rediagnoseWithContext([failure], {
    deps: d,
    graphToken: token(["User.Read.All", "Mail.Read"]),
    exchange: options.exchange === false ? null : { token: token(["Exchange.ManageAsApp"]), addressAs: "contoso.onmicrosoft.com" },
    exchangeMissing: "failed",
  });
  return { finding: failure.outcome.finding, calls };
}

describe("rediagnoseWithContext: telling the four causes of a mailbox Microsoft will not serve apart", () => {
  it("on-premises: Exchange Online sees a MailUser", async () => {
    const { finding } = await findingOf({ "Get-Recipient": ok([{ RecipientTypeDetails: "MailUser" }]) }, {}, { user: { onPremisesSyncEnabled: true, assignedLicenses: [] } });
    expect(finding).toMatchObject({ id: "mailbox_on_premises", title: `The test mailbox (${MAILBOX}) is on an on-premises Exchange server` });
    expect(finding!.evidence).toEqual(expect.arrayContaining(["onPremisesSyncEnabled: true", "RecipientTypeDetails: MailUser"]));
  });

  it("inactive, though -SoftDeletedMailbox lists it too (an inactive mailbox is a soft-deleted one on hold)", async () => {
    const inactiveRow = { RecipientTypeDetails: "UserMailbox", IsInactiveMailbox: true };
    const { finding, calls } = await findingOf({ "Get-Mailbox -InactiveMailboxOnly": ok([inactiveRow]), "Get-Mailbox -SoftDeletedMailbox": ok([inactiveRow]) });
    expect(finding?.id).toBe("mailbox_inactive");
    expect(calls).not.toContain("Get-Mailbox -SoftDeletedMailbox");
  });

  it("soft-deleted", async () => {
    const { finding } = await findingOf({ "Get-Mailbox -InactiveMailboxOnly": ok([]), "Get-Mailbox -SoftDeletedMailbox": ok([{ RecipientTypeDetails: "UserMailbox", IsInactiveMailbox: false }]) });
    expect(finding?.id).toBe("mailbox_soft_deleted");
  });

  it("no licence", async () => {
    const { finding } = await findingOf({ "Get-Recipient": ok([{ RecipientTypeDetails: "UserMailbox" }]) }, {}, { user: { onPremisesSyncEnabled: null, assignedLicenses: [] } });
    expect(finding?.id).toBe("mailbox_unlicensed");
  });

  it("says when Exchange could not be asked (throttled), instead of guessing", async () => {
    const { finding } = await findingOf({ "Get-Recipient": throttled });
    expect(finding?.id).toBe("mailbox_not_enabled");
    expect(finding!.evidence).toContain("Exchange lookups: failed (the Exchange admin API did not answer)");
    expect(finding!.fix).toMatch(/lookups failed this time/);
  });

  it("asks once per run for a mailbox several probes failed on, and once across the passes sharing a cache", async () => {
    const { d, calls } = deps({ "Get-Recipient": ok([{ RecipientTypeDetails: "MailUser" }]) });
    const cache = new Map();
    for (let pass = 0; pass < 3; pass++) {
      const failures = [failing({}), failing({ probe: "calendars", permission: "Calendars.Read" })];
      await rediagnoseWithContext(failures, { deps: d, graphToken: token(["User.Read.All"]), exchange: { token: token(["Exchange.ManageAsApp"]), addressAs: "contoso.onmicrosoft.com" }, exchangeMissing: "failed", cache });
      expect(failures.map((f) => f.outcome.finding?.id)).toEqual(["mailbox_on_premises", "mailbox_on_premises"]);
    }
    expect(calls.filter((c) => c === "Get-Recipient")).toHaveLength(1);
    expect(calls.filter((c) => c === "graph:user")).toHaveLength(1);
  });
});

describe("rediagnoseWithContext: RBAC for Applications and EWS settings", () => {
  it("reads Test-ServicePrincipalAuthorization for a mailbox denied without the role in the token", async () => {
    const rows = [{ RoleName: "Application Mail.Read", GrantedPermissions: "Mail.Read", AllowedResourceScope: "Canadian Employees", ScopeType: "CustomRecipientScope", InScope: false }];
    const { finding } = await findingOf({ "Test-ServicePrincipalAuthorization": ok(rows) }, { status: 403, code: "ErrorAccessDenied", message: "Access is denied. Check credentials and try again.", tokenRoles: ["User.Read.All"] });
    expect(finding).toMatchObject({ id: "rbac_scope_excludes_mailbox", title: "Mail.Read comes from RBAC for Applications, whose scope leaves out this mailbox" });
  });

  it.each([
    ["one comma-joined string listing the app", `0f3e9a52-6b1d-4c8e-a7f4-2d5b8c9e1a60,${APP}`, null],
    ["a list holding one comma-joined string listing the app", [`0f3e9a52-6b1d-4c8e-a7f4-2d5b8c9e1a60,${APP}`], null],
    ["a list without the app", ["0f3e9a52-6b1d-4c8e-a7f4-2d5b8c9e1a60"], "ews_blocked"],
  ])("reads EwsAllowedAppIDs as %s", async (_name, allowed, expected) => {
    const ews = { probe: "ews", permission: "full_access_as_app", status: 403, code: "http_403", message: null, tokenRoles: ["full_access_as_app"] };
    const { finding } = await findingOf({ "Get-OrganizationConfig -RetrieveEwsOperationAccessPolicy": ok([{ EwsEnabled: true, EwsAllowedAppIDs: allowed }]) }, ews);
    if (expected) expect(finding?.id).toBe(expected);
    else expect(finding?.id).not.toBe("ews_blocked");
  });

  it("says nothing from settings an answer lacks", async () => {
    const ews = { probe: "ews", permission: "full_access_as_app", status: 403, code: "http_403", message: null, tokenRoles: ["full_access_as_app"] };
    const { finding } = await findingOf({ "Get-OrganizationConfig -RetrieveEwsOperationAccessPolicy": ok([{ Name: "contoso" }]) }, ews);
    expect(finding).toMatchObject({ id: "unknown", known: false });
  });
});
