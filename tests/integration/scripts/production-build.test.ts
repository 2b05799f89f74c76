import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";

import { LATEST_VERSION } from "@/lib/db/migrate";
import { ROOT, runScript } from "../../support/run-script";
import { createProductionInstall } from "./production-install";

const packageJson = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> };

describe("the production scripts run with plain node and production dependencies only", () => {
  let root: string;
  beforeAll(async () => {
    root = await createProductionInstall();
  });

  it.each([
    ["start", ".next/consentry/start.mjs"],
    ["db:migrate", ".next/consentry/db-migrate.mjs"],
  ])("npm run %s runs node on the compiled %s, and npm run build compiles it", (name, compiled) => {
    expect(packageJson.scripts[name]).toBe(`node ${compiled}`);
    expect(packageJson.scripts.build).toMatch(/&& node scripts\/build-scripts\.mjs$/);
    expect(existsSync(path.join(root, compiled))).toBe(true);
  });

  it("db:migrate migrates a fresh SQLite database, then finds it up to date", async () => {
    const env = { PORTAL_CLOUD: "sandbox", DATA_DIR: mkdtempSync(path.join(os.tmpdir(), "consentry-prod-data-")) };
    const first = await runScript(".next/consentry/db-migrate.mjs", env, { cwd: root });
    expect(first, first.stderr).toMatchObject({ code: 0, stderr: "" });
    expect(first.stdout).toMatch(new RegExp(`migrated from version 0 to ${LATEST_VERSION}: 0001-initial, `));
    const again = await runScript(".next/consentry/db-migrate.mjs", env, { cwd: root });
    expect(again.stdout).toContain(`is up to date (schema version ${LATEST_VERSION})`);
  });

  it("start validates the settings and migrates, then refuses to serve without a build", async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), "consentry-prod-data-"));
    const result = await runScript(".next/consentry/start.mjs", { PORTAL_CLOUD: "sandbox", DATA_DIR: dataDir }, { cwd: root });
    expect(result.code, result.stderr).toBe(1);
    expect(result.stderr).toContain("there is no production build yet. Run `npm run build` first");
    expect(existsSync(path.join(dataDir, "consentry.sqlite"))).toBe(true);
  });

  it("start names a bad SHUTDOWN_TIMEOUT_MS before it touches the database", async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), "consentry-prod-data-"));
    const result = await runScript(".next/consentry/start.mjs", { PORTAL_CLOUD: "sandbox", DATA_DIR: dataDir, SHUTDOWN_TIMEOUT_MS: "10s" }, { cwd: root });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('SHUTDOWN_TIMEOUT_MS: must be a whole number of milliseconds from 100 to 600000 (got "10s")');
    expect(existsSync(path.join(dataDir, "consentry.sqlite"))).toBe(false);
  });
});
