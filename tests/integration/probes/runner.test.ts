import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";

import { upsertTenant } from "@/lib/db/repositories/tenants";
import { explainError } from "@/lib/diagnosis/explain";
import { listProbeResults } from "@/lib/db/repositories/probe-runs";
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from "@/lib/graph/retry";
import { latestProbeRun, probeTenantAndRecord } from "@/lib/probes/run-tenant";
import { liveProbeDeps, type ProbeDeps } from "@/lib/probes/runner";
import { createTestDatabase, type TestDatabase } from "../../support/databases";
import { TENANTS, type TestEmulator } from "../../support/emulator";
import { startPortalOnEmulator } from "../../support/portal-on-emulator";

let emu: TestEmulator & { dispose(): Promise<void> };
let database: TestDatabase;
let waits: number[] = [];
let batches = 0;

function deps(policy: Partial<RetryPolicy> = {}): ProbeDeps {
  const live = liveProbeDeps();
  return {
    ...live,
    policy: { ...DEFAULT_RETRY_POLICY, sleep: async (ms) => void waits.push(ms), random: () => 0.5, ...policy },
    graphBatch: (token, items, p) => {
      batches++;
      return live.graphBatch(token, items, p);
    },
  };
}

beforeAll(async () => {
  emu = await startPortalOnEmulator();
  database = await createTestDatabase("sqlite");
  for (const [id, mailbox] of [
    [TENANTS.northwind, "joni@northwind.example"],
    [TENANTS.woodgrove, null],
    [TENANTS.fabrikam, null],
  ] as const) {
    await upsertTenant(database.db, id, { status: "consented", testMailbox: mailbox });
  }
});
afterAll(async () => {
  await database?.dispose();
  await emu?.dispose();
});
beforeEach(async () => {
  waits = [];
  batches = 0;
  await emu.control("PUT", "/faults", { faults: [] });
});

const byProbe = <T extends { probe: string }>(outcomes: T[]) => Object.fromEntries(outcomes.map((o) => [o.probe, o])) as Record<string, T>;

describe("probing a tenant against the sandbox", () => {
  it("passes every probe of a healthy tenant with one $batch, and stores the run", async () => {
    const { run, summary, outcomes } = await probeTenantAndRecord(database.db, TENANTS.northwind, { trigger: "manual" }, deps());
    const results = byProbe(outcomes);
    expect(Object.keys(results).sort()).toEqual(["application", "calendars", "contacts", "domains", "exchange", "exchange-token", "mail", "organization", "token", "users"]);
    for (const o of outcomes) expect(o, o.probe).toMatchObject({ outcome: "pass" });
    expect(batches).toBe(1);
    expect(run.status).toBe("passed");
    expect(summary.grantedRoles).toContain("appRole:dc50a0fb-09a3-484d-be87-e023b12c6440"); // Exchange.ManageAsApp, recorded by its ID
    const stored = await listProbeResults(database.db, run.id);
    expect(stored).toHaveLength(10);
    expect(stored.find((r) => r.probe === "mail")).toMatchObject({ httpStatus: 200, outcome: "pass", requestId: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    const latest = await latestProbeRun(database.db, TENANTS.northwind);
    expect(latest?.run.id).toBe(run.id);
  });

  it("says an on-prem mailbox is on-prem today, and reads the pre-2023 era from the on-prem IIS log", async () => {
    await upsertTenant(database.db, TENANTS.northwind, { status: "consented", testMailbox: "pradeep@northwind.example" });
    try {
      // Today (since March 2023): Graph answers 404 MailboxNotEnabledForRESTAPI; the user's sync and
      // Exchange's recipient type tell which of the four causes it is.
      const today = byProbe((await probeTenantAndRecord(database.db, TENANTS.northwind, { trigger: "manual" }, deps())).outcomes);
      expect(today.mail).toMatchObject({ outcome: "fail", httpStatus: 404, errorCode: "MailboxNotEnabledForRESTAPI", finding: { id: "mailbox_on_premises", since: "2023-03" } });
      expect(today.mail!.finding!.evidence).toEqual(expect.arrayContaining(["onPremisesSyncEnabled: true", "RecipientTypeDetails: MailUser"]));
      expect(today.calendars).toMatchObject({ finding: { id: "mailbox_on_premises" } });

      // The pre-2023 era (a named scenario option): Graph said only 500 UnknownError, never the on-prem
      // diagnostics, which the on-prem server's IIS log holds; explaining that line names the fix.
      await emu.control("PATCH", `/tenants/${TENANTS.northwind}`, { hybrid: { restApi: "pre-2023" } });
      const before2023 = byProbe((await probeTenantAndRecord(database.db, TENANTS.northwind, { trigger: "manual" }, deps({ maxErrorRetries: 0 }))).outcomes);
      expect(before2023.mail).toMatchObject({ outcome: "fail", httpStatus: 500, finding: { id: "mailbox_on_premises" } });
      expect(before2023.mail!.finding!.fix).toMatch(/IIS log/);
      const log = await (await emu.control("GET", `/tenants/${TENANTS.northwind}/iis-log`)).text();
      const line = log.split("\n").find((l) => l.includes("2000001"));
      expect(line).toBeTruthy();
      expect(explainError({ text: line }).id).toBe("hybrid_profile_missing");

      await emu.control("PATCH", `/tenants/${TENANTS.northwind}`, { hybrid: { v1s2sAppOnlyProfile: true, partnerAppOnlyPermissions: true } });
      const fixed = byProbe((await probeTenantAndRecord(database.db, TENANTS.northwind, { trigger: "manual" }, deps())).outcomes);
      expect(fixed.mail).toMatchObject({ outcome: "pass" });
    } finally {
      await emu.control("PATCH", `/tenants/${TENANTS.northwind}`, { hybrid: { restApi: "retired", v1s2sAppOnlyProfile: false, partnerAppOnlyPermissions: false } });
      await upsertTenant(database.db, TENANTS.northwind, { status: "consented", testMailbox: "joni@northwind.example" });
    }
  });

  it("finds drift on a tenant that consented to an older permission set, and picks a test mailbox", async () => {
    const { outcomes, summary } = await probeTenantAndRecord(database.db, TENANTS.woodgrove, { trigger: "manual" }, deps());
    const r = byProbe(outcomes);
    expect(r.organization).toMatchObject({ outcome: "pass" });
    expect(r.domains).toMatchObject({ outcome: "fail", finding: { id: "permission_not_granted", reconsent: true } });
    expect(r.application).toMatchObject({ outcome: "fail", finding: { id: "permission_not_granted" } });
    expect(r.exchange).toMatchObject({ outcome: "fail", finding: { id: "exchange_role_missing" } });
    expect(r.mail).toMatchObject({ outcome: "fail", finding: { id: "permission_not_granted" } });
    expect(summary.mailbox).toBe("isaiah@woodgrove.example");
    expect(batches).toBe(2); // no mailbox known yet: mailbox probes follow in a second batch
  });

  it("reports a tenant whose consent is gone, and marks it revoked", async () => {
    const { outcomes } = await probeTenantAndRecord(database.db, TENANTS.fabrikam, { trigger: "manual" }, deps());
    const r = byProbe(outcomes);
    expect(r.token).toMatchObject({ outcome: "fail", errorCode: "AADSTS7000229", finding: { id: "not_consented" } });
    expect(r.mail).toMatchObject({ outcome: "skip" });
    const tenant = await database.db.selectFrom("tenants").select("status").where("id", "=", TENANTS.fabrikam).executeTakeFirstOrThrow();
    expect(tenant.status).toBe("revoked");
  });

  it("honours Retry-After exactly, including fractions, and then passes", async () => {
    await emu.control("PUT", "/faults", { faults: [{ endpoint: "graph", kind: "throttle", retryAfterSeconds: 0.25, times: 2 }] });
    const { outcomes } = await probeTenantAndRecord(database.db, TENANTS.northwind, { trigger: "manual" }, deps());
    expect(outcomes.every((o) => o.outcome === "pass")).toBe(true);
    expect(waits).toEqual([250]);
    expect(batches).toBe(1);
  });

  it("retries 5xx with jittered backoff, bounded", async () => {
    await emu.control("PUT", "/faults", { faults: [{ endpoint: "batch", kind: "error", status: 503, times: 2 }] });
    const ok = await probeTenantAndRecord(database.db, TENANTS.northwind, { trigger: "manual" }, deps());
    expect(ok.outcomes.every((o) => o.outcome === "pass")).toBe(true);
    expect(waits).toEqual([200, 400]); // random() = 0.5 of 400 and 800 ms
    waits = [];
    await emu.control("PUT", "/faults", { faults: [{ endpoint: "batch", kind: "error", status: 503 }] });
    const down = byProbe((await probeTenantAndRecord(database.db, TENANTS.northwind, { trigger: "manual" }, deps())).outcomes);
    expect(down.organization).toMatchObject({ outcome: "fail", httpStatus: 503, finding: { id: "service_unavailable" } });
    expect(waits).toHaveLength(3);
  });

  it("gives up on a hanging request after the per-request timeout", async () => {
    await emu.control("PUT", "/faults", { faults: [{ endpoint: "batch", kind: "hang" }] });
    const r = byProbe((await probeTenantAndRecord(database.db, TENANTS.northwind, { trigger: "manual" }, deps({ timeoutMs: 300, maxErrorRetries: 1 }))).outcomes);
    expect(r.users).toMatchObject({ outcome: "fail", httpStatus: null, finding: { id: "service_unavailable" } });
    expect(r.exchange).toMatchObject({ outcome: "pass" });
  });

  it("reports a pass rate: a check that passes a few times in 40 is broken, not green", async () => {
    await emu.control("PUT", "/faults", { faults: [{ endpoint: "exchange", kind: "error", status: 500, rate: 0.85 }] });
    const { summary, run } = await probeTenantAndRecord(database.db, TENANTS.northwind, { trigger: "manual", iterations: 40 }, deps({ maxErrorRetries: 0 }));
    const exchange = summary.probes.exchange!;
    expect(exchange.pass + exchange.fail).toBe(40);
    expect(exchange.pass).toBeGreaterThan(0);
    expect(exchange.fail).toBeGreaterThan(exchange.pass);
    expect(summary.probes.organization).toEqual({ pass: 40, fail: 0, skip: 0 });
    expect(run.status).toBe("failed");
    expect(run.iterations).toBe(40);
  });
});
