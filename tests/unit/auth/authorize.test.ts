import { beforeAll, describe, expect, it } from "vitest";

import { explainForbidden } from "@/lib/auth/forbidden";
import { PARTNER_ROLES, type PartnerRole } from "@/lib/auth/roles";
import type { Partner, SessionLookup } from "@/lib/session/partner-session";
import { authorizePartner, forbiddenError, forbiddenPath, signInPath, unauthenticatedError } from "@/lib/session/require-partner";
import { configurePortalEnv } from "../../support/portal-env";

function partner(role: PartnerRole): Partner {
  return { oid: "o", tenantId: "t", username: `${role}@contoso-partners.example`, name: role, role, signedInAt: 0, lastSeenAt: 0, sessionVersion: 1 };
}
const active = (role: PartnerRole): SessionLookup => ({ status: "active", partner: partner(role) });

beforeAll(() => {
  configurePortalEnv();
});

describe("authorizePartner", () => {
  const allowed: Record<PartnerRole, PartnerRole[]> = { reader: ["reader"], operator: ["reader", "operator"], admin: ["reader", "operator", "admin"] };
  const cases = PARTNER_ROLES.flatMap((role) => PARTNER_ROLES.map((minimum) => [role, minimum, allowed[role].includes(minimum)] as const));

  it.each(cases)("a %s asking for work that needs %s is allowed: %s", (role, minimum, ok) => {
    const result = authorizePartner(active(role), minimum);
    if (ok) expect(result).toEqual({ ok: true, partner: partner(role) });
    else expect(result).toEqual({ ok: false, status: 403, partner: partner(role), needed: minimum });
  });

  it.each(["none", "idle", "expired", "revoked"] as const)("a %s session is 401 whatever the role needed", (status) => {
    for (const minimum of PARTNER_ROLES) expect(authorizePartner({ status }, minimum)).toEqual({ ok: false, status: 401, ended: status });
  });
});

describe("the errors actions and API handlers answer", () => {
  it("403 names the role needed, its app role value, the partner's role and where an admin assigns it", () => {
    const error = forbiddenError(partner("reader"), "operator");
    expect(error).toMatchObject({ code: "forbidden", status: 403 });
    expect(error.message).toContain("the Operator role (app role Consentry.Operator)");
    expect(error.message).toContain("reader@contoso-partners.example has the Reader role");
    expect(error.message).toContain("Enterprise applications");
  });

  it.each([
    ["none", /Sign in/],
    ["idle", /without activity/],
    ["expired", /8-hour limit/],
    ["revoked", /signed everyone out/],
  ] as const)("401 for a %s session says why", (ended, message) => {
    const error = unauthenticatedError(ended);
    expect(error).toMatchObject({ code: "unauthenticated", status: 401 });
    expect(error.message).toMatch(message);
  });
});

describe("where the page guard sends people", () => {
  it.each([
    ["/dashboard", "none", "/signin?returnTo=%2Fdashboard"],
    ["/dashboard/invites?x=1", "idle", "/signin?returnTo=%2Fdashboard%2Finvites%3Fx%3D1&ended=idle"],
    ["/dashboard", "revoked", "/signin?returnTo=%2Fdashboard&ended=revoked"],
  ] as const)("from %s with a %s session to %s", (path, ended, expected) => {
    expect(signInPath(path, ended)).toBe(expected);
  });

  it("a too-low role to the 403 page, naming the role and the page", () => {
    expect(forbiddenPath("admin", "/dashboard/settings")).toBe("/auth/forbidden?needs=admin&from=%2Fdashboard%2Fsettings");
  });
});

describe("explainForbidden (GET /auth/forbidden)", () => {
  const q = (query: string) => new URLSearchParams(query);

  it("explains to an operator that the settings page needs Admin, with a 403", () => {
    const outcome = explainForbidden(q("needs=admin&from=/dashboard/settings"), active("operator"));
    expect(outcome.kind).toBe("page");
    if (outcome.kind !== "page") return;
    expect(outcome.page).toMatchObject({ code: "role_too_low", status: 403, title: "This page needs the Admin role" });
    expect(outcome.page.message).toContain("/dashboard/settings needs the Admin role (app role Consentry.Admin)");
    expect(outcome.page.message).toContain("with the Operator role");
    expect(outcome.page.details?.map((d) => d.value).join(" ")).toContain("Users and groups");
  });

  it.each([
    ["an admin (enough role): back to the page", "needs=admin&from=/dashboard/settings", active("admin"), "/dashboard/settings"],
    ["no session: to sign-in, coming back to the page", "needs=admin&from=/dashboard/settings", { status: "none" } as SessionLookup, "/signin?returnTo=%2Fdashboard%2Fsettings"],
    ["an idle session: to sign-in, saying why", "needs=operator&from=/dashboard", { status: "idle" } as SessionLookup, "/signin?returnTo=%2Fdashboard&ended=idle"],
    ["a foreign return address: never off-site", "needs=reader&from=https://evil.example/", active("reader"), "/dashboard"],
  ])("redirects %s", (_label, query, lookup, to) => {
    expect(explainForbidden(q(query), lookup)).toEqual({ kind: "redirect", to });
  });

  it.each(["", "needs=owner&from=/dashboard", "from=/dashboard", "needs=ADMIN"])("answers %j with a 400 page naming the problem", (query) => {
    const outcome = explainForbidden(q(query), active("reader"));
    expect(outcome).toMatchObject({ kind: "page", page: { code: "malformed_link", status: 400 } });
  });
});
