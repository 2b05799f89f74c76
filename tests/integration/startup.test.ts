import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";

import { runScript } from "../support/run-script";

const GLOBAL_ENV = {
  PORTAL_CLOUD: "global",
  AZURE_CLIENT_ID: "0f1e2d3c-4b5a-6978-8a9b-acbdcedf0011",
  AZURE_CLIENT_SECRET: "s3cr3t~value",
  PARTNER_TENANT_ID: "8d2f6a41-3c7e-4b90-a1d5-6e9f0b2c4d71",
  SESSION_PASSWORD: "p".repeat(40),
};

function tempDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), "consentry-startup-"));
  chmodSync(dir, 0o755);
  return dir;
}

async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** One readable paragraph and a non-zero exit: no stack frames, no driver dumps. */
function expectCleanFailure(result: { code: number | null; stderr: string; stdout: string }, pattern: RegExp) {
  expect(result.code, `stdout: ${result.stdout}\nstderr: ${result.stderr}`).toBe(1);
  expect(result.stderr).toMatch(pattern);
  expect(result.stderr).not.toMatch(/\n\s+at [\w.<]+ \(/);
}

describe("start-up refuses bad settings with one clear paragraph", () => {
  it("npm start names PORTAL_CLOUD and the allowed values for an unknown cloud", async () => {
    const dataDir = tempDir();
    const result = await runScript("scripts/start.ts", { PORTAL_CLOUD: "nonsense", DATA_DIR: dataDir });
    expectCleanFailure(result, /PORTAL_CLOUD: must be one of sandbox, global, usgov, usgov-dod, china \(got "nonsense"\)/);
  });

  it("refuses a malformed DATABASE_URL", async () => {
    const result = await runScript("scripts/db-migrate.ts", { DATABASE_URL: "mysql://db.internal/consentry", DATA_DIR: tempDir() });
    expectCleanFailure(result, /DATABASE_URL: must start with postgres:\/\//);
  });

  it("refuses a SESSION_PASSWORD shorter than 32 characters", async () => {
    const result = await runScript("scripts/db-migrate.ts", { ...GLOBAL_ENV, SESSION_PASSWORD: "too-short" });
    expectCleanFailure(result, /SESSION_PASSWORD: must be at least 32 characters \(got 9\)/);
  });

  it("refuses a certificate file that is not PEM", async () => {
    const dir = tempDir();
    const file = path.join(dir, "app.pem");
    writeFileSync(file, "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA");
    const env: Record<string, string> = { ...GLOBAL_ENV, AZURE_CLIENT_CERTIFICATE_PATH: file, DATA_DIR: dir };
    delete env.AZURE_CLIENT_SECRET;
    const result = await runScript("scripts/db-migrate.ts", env);
    expectCleanFailure(result, /AZURE_CLIENT_CERTIFICATE_PATH: names a file that is not PEM/);
  });

  it("explains an unreachable PostgreSQL and creates nothing", async () => {
    const port = await closedPort();
    const dataDir = tempDir();
    const result = await runScript("scripts/db-migrate.ts", { DATABASE_URL: `postgres://consentry:pw@127.0.0.1:${port}/consentry`, DATA_DIR: dataDir });
    expectCleanFailure(result, new RegExp(`Cannot connect to PostgreSQL at postgres://consentry:\\*\\*\\*\\*@127\\.0\\.0\\.1:${port}/consentry: nothing is listening there`));
    expect(result.stderr).not.toContain(":pw@");
  });

  it("explains a read-only data folder and leaves no database behind", async () => {
    const dataDir = tempDir();
    const readOnly = path.join(dataDir, "ro");
    mkdirSync(readOnly);
    chmodSync(readOnly, 0o555);
    // Root ignores permission bits, so the check runs as an unprivileged user when the tests run as root.
    const asUser = process.getuid?.() === 0 ? "nobody" : undefined;
    const result = await runScript(
      "scripts/db-migrate.ts",
      { DATABASE_URL: `file:${path.join(readOnly, "consentry.sqlite")}`, SESSION_PASSWORD: "s".repeat(40), DATA_DIR: readOnly },
      { asUser },
    );
    expectCleanFailure(result, /Cannot write the SQLite database at .*ro\/consentry\.sqlite: the file or its folder is read-only/);
    expect(readdirSync(readOnly)).toEqual([]);
  });

  it("leaves a reachable database untouched when the settings are invalid", async () => {
    const dataDir = tempDir();
    const result = await runScript("scripts/db-migrate.ts", { DATA_DIR: dataDir, PORT: "not-a-port" });
    expectCleanFailure(result, /PORT: must be a whole number/);
    expect(existsSync(path.join(dataDir, "consentry.sqlite"))).toBe(false);
  });
});
