import { describe, expect, it } from "vitest";

import { nationalCloud } from "@/lib/config";
import { buildAdminConsentUrl } from "@/lib/consent/admin-consent-url";

const CLIENT = "5e0c1d2a-7b3f-4c59-9a8e-0d6f2b4c8a17";
const TENANT = "0f1e2d3c-4b5a-6978-8a9b-acbdcedf0011";
const base = { clientId: CLIENT, redirectUri: "https://portal.example/consent/callback", state: "s-1", resources: ["graph", "exchange"] as ("graph" | "exchange")[] };
const sandbox = { loginHost: "http://127.0.0.1:3101", graphResource: "https://graph.microsoft.com", exchangeResource: "https://outlook.office365.com" };

describe("buildAdminConsentUrl", () => {
  it.each([
    ["global", "https://login.microsoftonline.com"],
    ["usgov", "https://login.microsoftonline.us"],
    ["usgov-dod", "https://login.microsoftonline.us"],
    ["china", "https://login.partner.microsoftonline.cn"],
  ] as const)("sends %s admins to %s, v1, common without a hint", (name, host) => {
    const url = new URL(buildAdminConsentUrl({ ...base, cloud: nationalCloud(name), tenant: null, version: "v1" }));
    expect(`${url.origin}${url.pathname}`).toBe(`${host}/common/adminconsent`);
    expect(Object.fromEntries(url.searchParams)).toEqual({ client_id: CLIENT, redirect_uri: base.redirectUri, state: "s-1" });
  });

  it("uses the invite's tenant when it names one", () => {
    expect(buildAdminConsentUrl({ ...base, cloud: nationalCloud("global"), tenant: TENANT, version: "v1" })).toMatch(`https://login.microsoftonline.com/${TENANT}/adminconsent?`);
    expect(buildAdminConsentUrl({ ...base, cloud: nationalCloud("global"), tenant: "Contoso.COM", version: "v1" })).toMatch("https://login.microsoftonline.com/contoso.com/adminconsent?");
  });

  it("builds v2 with organizations and one /.default scope per resource of the cloud", () => {
    const url = new URL(buildAdminConsentUrl({ ...base, cloud: nationalCloud("usgov"), tenant: null, version: "v2" }));
    expect(url.pathname).toBe("/organizations/v2.0/adminconsent");
    expect(url.searchParams.get("scope")).toBe("https://graph.microsoft.us/.default https://outlook.office365.us/.default");
  });

  it("sends sandbox admins to the emulator's browser host with the global resource identifiers", () => {
    const url = new URL(buildAdminConsentUrl({ ...base, cloud: sandbox, tenant: null, version: "v2" }));
    expect(url.origin).toBe("http://127.0.0.1:3101");
    expect(url.searchParams.get("scope")).toBe("https://graph.microsoft.com/.default https://outlook.office365.com/.default");
  });

  it.each(["evil.example/steal?x=", "../../common", "contoso.com:444", "a b.com", "%2e%2e", "<script>"])("refuses the tenant %j instead of putting it in a URL", (tenant) => {
    expect(() => buildAdminConsentUrl({ ...base, cloud: nationalCloud("global"), tenant, version: "v1" })).toThrow(/cannot be used as a tenant/);
  });

  it("refuses common for v2", () => {
    expect(() => buildAdminConsentUrl({ ...base, cloud: nationalCloud("global"), tenant: "common", version: "v2" })).toThrow(/does not accept common/);
  });
});
