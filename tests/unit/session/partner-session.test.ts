import { NextRequest, NextResponse } from "next/server";
import { beforeAll, describe, expect, it } from "vitest";

import { inspectPartnerSession, readPartnerSession, sealPartnerSession, SESSION_COOKIE, type Partner } from "@/lib/session/partner-session";
import { refreshPartnerSession } from "@/lib/session/refresh-partner-session";
import { seal } from "@/lib/session/sealed-cookie";
import { configurePortalEnv } from "../../support/portal-env";

const MIN = 60_000;
const HOUR = 60 * MIN;

function partner(overrides: Partial<Partner> = {}): Partner {
  const now = Date.now();
  return {
    oid: "a1000000-0000-4000-8000-000000000003",
    tenantId: "8d2f6a41-3c7e-4b90-a1d5-6e9f0b2c4d71",
    username: "rita@contoso-partners.example",
    name: "Rita Reader",
    role: "reader",
    signedInAt: now,
    lastSeenAt: now,
    sessionVersion: 1,
    ...overrides,
  };
}

beforeAll(() => {
  configurePortalEnv({ SESSION_IDLE_MINUTES: "30" });
});

describe("inspectPartnerSession", () => {
  it("accepts a fresh session of the current version", async () => {
    const p = partner();
    const { value } = await sealPartnerSession(p);
    expect(await inspectPartnerSession(value, 1)).toEqual({ status: "active", partner: p });
  });

  it.each([
    ["active, seen 29 minutes ago", { lastSeenAt: -29 * MIN }, 1, "active"],
    ["idle for 30 minutes", { lastSeenAt: -30 * MIN }, 1, "idle"],
    ["idle for 2 hours", { signedInAt: -2 * HOUR, lastSeenAt: -2 * HOUR }, 1, "idle"],
    ["past 8 hours though active 2 minutes ago", { signedInAt: -8 * HOUR - MIN, lastSeenAt: -2 * MIN }, 1, "expired"],
    ["sealed at version 1, everyone signed out since (version 2)", {}, 2, "revoked"],
    ["sealed at version 3, current 3", { sessionVersion: 3 }, 3, "active"],
    ["sealed at version 3, current 2 (another instance behind)", { sessionVersion: 3 }, 2, "active"],
  ] as const)("%s: %s", async (_label, offsets, currentVersion, status) => {
    const now = Date.now();
    const overrides: Partial<Partner> = {};
    if ("signedInAt" in offsets) overrides.signedInAt = now + offsets.signedInAt;
    if ("lastSeenAt" in offsets) overrides.lastSeenAt = now + offsets.lastSeenAt;
    if ("sessionVersion" in offsets) overrides.sessionVersion = offsets.sessionVersion;
    const p = partner({ signedInAt: now - HOUR, ...overrides });
    // Sealed as if at the session's last activity, when it was still valid.
    const { value } = await sealPartnerSession(p, p.lastSeenAt);
    expect((await inspectPartnerSession(value, currentVersion, now)).status).toBe(status);
  });

  it.each([
    ["no cookie", undefined],
    ["an empty cookie", ""],
    ["garbage", "not-a-seal"],
    ["an oversized cookie", "x".repeat(9000)],
  ])("treats %s as no session", async (_label, value) => {
    expect(await inspectPartnerSession(value, 1)).toEqual({ status: "none" });
  });

  it("treats a tampered seal as no session", async () => {
    const { value } = await sealPartnerSession(partner({ role: "reader" }));
    const tampered = value.slice(0, 40) + (value[40] === "A" ? "B" : "A") + value.slice(41);
    expect(await inspectPartnerSession(tampered, 1)).toEqual({ status: "none" });
  });

  it("treats a session sealed before roles existed as no session, so its holder signs in again", async () => {
    const legacy = await seal({ oid: "x", tenantId: "t", username: "alice@contoso-partners.example", name: "Alice", roles: ["Consentry.Admin"], signedInAt: Date.now() }, 3600);
    expect(await inspectPartnerSession(legacy, 1)).toEqual({ status: "none" });
  });

  it("refuses a role that is not one of the three", async () => {
    const forged = await seal({ ...partner(), role: "owner" }, 3600);
    expect(await inspectPartnerSession(forged, 1)).toEqual({ status: "none" });
  });
});

describe("sealPartnerSession", () => {
  it("ends the cookie and the seal with the session's absolute lifetime", async () => {
    const now = Date.now();
    const cookie = await sealPartnerSession(partner({ signedInAt: now - 7 * HOUR, lastSeenAt: now }), now);
    expect(cookie.name).toBe(SESSION_COOKIE);
    expect(cookie.options).toMatchObject({ httpOnly: true, sameSite: "lax", path: "/", maxAge: 3600 });
  });

  it("refuses to seal a session past its absolute lifetime (iron-session would read a TTL of 0 as forever)", async () => {
    const now = Date.now();
    await expect(sealPartnerSession(partner({ signedInAt: now - 8 * HOUR, lastSeenAt: now }), now)).rejects.toMatchObject({ code: "session_expired", status: 401 });
  });
});

describe("readPartnerSession (no version check: refresh and sign-out only)", () => {
  it("returns the partner of an active session whatever its version", async () => {
    const p = partner({ sessionVersion: 1 });
    expect(await readPartnerSession((await sealPartnerSession(p)).value)).toEqual(p);
  });

  it("returns null for an idle session", async () => {
    const now = Date.now();
    const p = partner({ signedInAt: now - HOUR, lastSeenAt: now - 31 * MIN });
    expect(await readPartnerSession((await sealPartnerSession(p, p.lastSeenAt)).value, now)).toBeNull();
  });
});

describe("refreshPartnerSession", () => {
  async function requestWith(p: Partner, headers: Record<string, string> = {}) {
    const { value } = await sealPartnerSession(p, p.lastSeenAt);
    return new NextRequest("http://localhost:3000/dashboard", { headers: { cookie: `${SESSION_COOKIE}=${value}`, ...headers } });
  }

  it("re-seals a session last seen over a minute ago with lastSeenAt = now", async () => {
    const now = Date.now();
    const p = partner({ signedInAt: now - HOUR, lastSeenAt: now - 20 * MIN });
    const response = NextResponse.next();
    await refreshPartnerSession(await requestWith(p), response, now);
    const set = response.cookies.get(SESSION_COOKIE);
    expect(set?.value).toBeTruthy();
    const refreshed = await readPartnerSession(set!.value, now);
    expect(refreshed).toEqual({ ...p, lastSeenAt: now });
    // 25 minutes on, the original would be idle; the refreshed one is not.
    expect(await readPartnerSession(set!.value, now + 25 * MIN)).not.toBeNull();
    expect(set?.maxAge).toBe(7 * 3600);
  });

  it.each([
    ["seen 30 seconds ago (refreshed recently)", { lastSeenAt: -30_000 }, {}],
    ["idle past the timeout: never revived", { lastSeenAt: -31 * MIN }, {}],
    ["past 8 hours: never revived", { signedInAt: -8 * HOUR - 1000, lastSeenAt: -5 * MIN }, {}],
    ["a router prefetch (not the person's activity)", { lastSeenAt: -10 * MIN }, { "next-router-prefetch": "1" }],
  ] as const)("leaves the cookie alone when %s", async (_label, offsets, headers) => {
    const now = Date.now();
    const overrides: Partial<Partner> = {};
    if ("signedInAt" in offsets) overrides.signedInAt = now + offsets.signedInAt;
    if ("lastSeenAt" in offsets) overrides.lastSeenAt = now + offsets.lastSeenAt;
    const p = partner({ signedInAt: now - HOUR, ...overrides });
    const response = NextResponse.next();
    await refreshPartnerSession(await requestWith(p, headers), response, now);
    expect(response.cookies.get(SESSION_COOKIE)).toBeUndefined();
  });

  it("does nothing without a session cookie", async () => {
    const response = NextResponse.next();
    await refreshPartnerSession(new NextRequest("http://localhost:3000/dashboard"), response);
    expect(response.headers.get("set-cookie")).toBeNull();
  });
});
