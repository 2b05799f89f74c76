import { describe, expect, it } from "vitest";

import type { ProbeResult } from "@/lib/db/repositories/probe-runs";
import { buildTruthTable } from "@/lib/probes/truth-table";

const result = (probe: string, outcome: ProbeResult["outcome"]): ProbeResult => ({
  id: probe, runId: "r", iteration: 1, probe, permission: null, outcome, httpStatus: 200, latencyMs: 1, requestId: null, errorCode: null, errorMessage: null, finding: null, createdAt: "",
});
const summary = (over: object) => ({ iterations: 1, probes: {}, tokenRoles: [], exchangeTokenRoles: [], grantedRoles: null, findings: [], mailbox: null, ...over });

describe("the permission truth table", () => {
  it("flags configured-but-not-granted, granted-not-in-token, in-token-but-denied and granted-not-configured", () => {
    const rows = buildTruthTable(
      ["Mail.Read", "Domain.Read.All", "User.Read.All", "Organization.Read.All"],
      summary({ tokenRoles: ["Mail.Read", "Organization.Read.All", "Directory.Read.All"], grantedRoles: ["Mail.Read", "User.Read.All", "Organization.Read.All", "Directory.Read.All"] }),
      [result("mail", "fail"), result("organization", "pass")],
    );
    const by = Object.fromEntries(rows.map((r) => [r.permission, r]));
    expect(by["Domain.Read.All"]!.drift).toMatchObject({ reconsent: true });
    expect(by["User.Read.All"]!.drift?.text).toMatch(/not in the token/);
    expect(by["Mail.Read"]!.drift?.text).toMatch(/call still fails/);
    expect(by["Organization.Read.All"]).toMatchObject({ configured: true, granted: true, inToken: true, proven: "pass", drift: null });
    expect(by["Directory.Read.All"]!.drift?.text).toMatch(/no longer configured/);
  });

  it("says unknown when grants could not be read, and uses the token for drift then", () => {
    const [row] = buildTruthTable(["Domain.Read.All"], summary({ tokenRoles: ["Mail.Read"], grantedRoles: null }), []);
    expect(row).toMatchObject({ granted: null, inToken: false, proven: "none", drift: { reconsent: true } });
  });

  it("does not send a tenant to re-consent for a mailbox permission Exchange's RBAC for Applications grants", () => {
    const denied = { ...result("mail", "fail"), finding: { id: "rbac_scope_excludes_mailbox" } } as ProbeResult;
    const [scoped] = buildTruthTable(["Mail.Read"], summary({ tokenRoles: ["User.Read.All"], grantedRoles: ["User.Read.All"] }), [denied]);
    expect(scoped!.drift).toMatchObject({ reconsent: false, text: expect.stringMatching(/RBAC for Applications/) });
    const [inScope] = buildTruthTable(["Mail.Read"], summary({ tokenRoles: ["User.Read.All"], grantedRoles: ["User.Read.All"] }), [result("mail", "pass")]);
    expect(inScope!.drift).toMatchObject({ reconsent: false });
  });
});
