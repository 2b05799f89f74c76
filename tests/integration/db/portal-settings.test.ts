import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { getPartnerSessionVersion, getPortalSetting, INITIAL_SESSION_VERSION, raisePartnerSessionVersion, setPortalSetting } from "@/lib/db/repositories/portal-settings";
import { createTestDatabase, ENGINES, type TestDatabase } from "../../support/databases";

describe.each(ENGINES)("portal settings on %s", (engine) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase(engine);
  });
  afterAll(async () => {
    await database?.dispose();
  });

  it("starts at session version 1 before anyone signed everyone out", async () => {
    expect(await getPortalSetting(database.db, "partner_session_version")).toBeNull();
    expect(await getPartnerSessionVersion(database.db)).toEqual({ version: INITIAL_SESSION_VERSION, updatedAt: null, updatedBy: null });
  });

  it("raises the version by one each time and remembers who did it and when", async () => {
    const first = await raisePartnerSessionVersion(database.db, "alice@contoso-partners.example", new Date("2026-05-10T08:00:00.000Z"));
    expect(first).toEqual({ version: 2, updatedAt: "2026-05-10T08:00:00.000Z", updatedBy: "alice@contoso-partners.example" });
    const second = await raisePartnerSessionVersion(database.db, "carol@contoso-partners.example", new Date("2026-05-10T09:00:00.000Z"));
    expect(second.version).toBe(3);
    expect(await getPartnerSessionVersion(database.db)).toEqual({ version: 3, updatedAt: "2026-05-10T09:00:00.000Z", updatedBy: "carol@contoso-partners.example" });
  });

  it("loses no raise when two instances sign everyone out at once", async () => {
    const other = await database.reopen();
    const before = (await getPartnerSessionVersion(database.db)).version;
    const raised = await Promise.all(Array.from({ length: 10 }, (_, i) => raisePartnerSessionVersion(i % 2 ? database.db : other.db, `admin${i}`)));
    expect((await getPartnerSessionVersion(database.db)).version).toBe(before + 10);
    expect(raised.map((r) => r.version).sort((a, b) => a - b)).toEqual(Array.from({ length: 10 }, (_, i) => before + 1 + i));
  });

  it("sets and replaces a setting by key", async () => {
    await setPortalSetting(database.db, "partner_session_version", "40", "alice", new Date("2026-05-11T00:00:00.000Z"));
    await setPortalSetting(database.db, "partner_session_version", "41", "bob", new Date("2026-05-12T00:00:00.000Z"));
    expect(await getPortalSetting(database.db, "partner_session_version")).toEqual({ key: "partner_session_version", value: "41", updatedAt: "2026-05-12T00:00:00.000Z", updatedBy: "bob" });
    expect((await raisePartnerSessionVersion(database.db, "alice")).version).toBe(42);
  });

  it("names the fix when the stored version is not a number", async () => {
    await setPortalSetting(database.db, "partner_session_version", "two", "someone editing the table by hand");
    await expect(getPartnerSessionVersion(database.db)).rejects.toMatchObject({ code: "invalid_setting", message: expect.stringContaining("not a whole number") });
    await setPortalSetting(database.db, "partner_session_version", "5", "fix");
  });
});
