import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";

import { runScript } from "../../support/run-script";

// `npm run -s apikey` against a fresh embedded database.
const dataDir = mkdtempSync(path.join(os.tmpdir(), "consentry-apikey-"));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
const apikey = (...args: string[]) => runScript("scripts/apikey.ts", { DATA_DIR: dataDir }, { args });

describe("npm run apikey", () => {
  it("creates a key, shows it once, stores only its hash, lists and revokes it", async () => {
    const created = await apikey("create", "--name", "PSA sync", "--role", "operator");
    expect(created).toMatchObject({ code: 0, stderr: "" });
    const key = JSON.parse(created.stdout);
    expect(Object.keys(key).sort()).toEqual(["id", "key", "name", "prefix", "role"]);
    expect(key).toMatchObject({ role: "operator", name: "PSA sync" });
    expect(key.key).toMatch(/^csk_[A-Za-z0-9_-]{8}_[A-Za-z0-9_-]{43}$/);
    expect(key.key.startsWith(key.prefix)).toBe(true);

    const database = readFileSync(path.join(dataDir, "consentry.sqlite"));
    expect(database.includes(Buffer.from(key.key))).toBe(false);

    const listed = await apikey("list");
    expect(listed.code).toBe(0);
    expect(listed.stdout).not.toContain(key.key);
    expect(JSON.parse(listed.stdout.trim().split("\n")[0]!)).toMatchObject({ id: key.id, prefix: key.prefix, lastUsedAt: null, revokedAt: null });

    expect((await apikey("revoke", key.id)).code).toBe(0);
    const again = await apikey("revoke", key.id);
    expect(again).toMatchObject({ code: 2, stderr: "apikey: No such API key, or it was revoked already.\n" });
  });

  it.each([
    [["create", "--name", "x", "--role", "owner"], /^apikey: role must be one of reader, operator, admin\.$/],
    [["create", "--role", "reader"], /^apikey: name is required\.$/],
    [["create", "--name", "<script>", "--role", "reader"], /^apikey: name may hold letters/],
    [["rotate"], /^apikey: unknown command "rotate"/],
    [["create", "--name", "x", "--role", "reader", "--colour", "red"], /^apikey: Unknown option '--colour'/],
  ])("refuses %j with one line and exit 2", async (args, message) => {
    const result = await apikey(...args);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr.trim()).toMatch(message);
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
  });
});
