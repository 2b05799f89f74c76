import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { afterAll, describe, expect, inject, it } from "vitest";

import { ROOT } from "../../support/run-script";

const cleanup: (() => void)[] = [];
afterAll(() => cleanup.forEach((c) => c()));

function startCli(args: string[]) {
  const stateDir = mkdtempSync(path.join(os.tmpdir(), "consentry-cli-"));
  const child = spawn(process.execPath, ["--import", "tsx", "emulator/src/main.ts", "--state-dir", stateDir, "--ca-dir", inject("emulatorCaDir"), ...args], {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "pipe"],
  });
  cleanup.push(() => {
    child.kill("SIGKILL");
    rmSync(stateDir, { recursive: true, force: true });
  });
  const lines: string[] = [];
  let stderr = "";
  child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
  const firstLine = new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout }).on("line", (line) => {
      lines.push(line);
      if (lines.length === 1) resolve(line);
    });
    child.on("exit", (code) => reject(new Error(`exited ${code}: ${stderr}`)));
  });
  firstLine.catch(() => {}); // tests of failed starts await `exit` instead
  const exit = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { child, firstLine, lines, exit, stderr: () => stderr };
}

function run(command: string, args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    child.on("exit", (code) => resolve({ code, stdout, stderr }));
  });
}

describe("npm run emulator", () => {
  it("prints exactly one JSON ready line, and a script using only msal-node gets tokens and Microsoft's errors from it", async () => {
    const cli = startCli(["--port", "0"]);
    const ready = JSON.parse(await cli.firstLine) as Record<string, unknown>;
    expect(ready).toMatchObject({
      ready: true,
      authorityHost: expect.stringMatching(/^https:\/\/127\.0\.0\.1:\d+$/),
      graphHost: expect.stringMatching(/^https:\/\/127\.0\.0\.1:\d+$/),
      exchangeHost: expect.stringMatching(/^https:\/\/127\.0\.0\.1:\d+$/),
      loginHost: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/),
      caCertPath: expect.stringMatching(/ca\.pem$/),
    });

    const result = await run(process.execPath, ["emulator/examples/msal-client-credentials.mjs", JSON.stringify(ready)], { NODE_EXTRA_CA_CERTS: String(ready.caCertPath) });
    expect(result.code, result.stderr).toBe(0);
    const checks = Object.fromEntries(result.stdout.trim().split("\n").map((l) => JSON.parse(l)).map((c) => [c.check, c]));
    for (const name of ["secret", "certificate"]) {
      expect(checks[name]).toMatchObject({ ok: true, organization: { status: 200, displayName: "Northwind Traders (hybrid Exchange)" } });
      expect(checks[name].claims).toMatchObject({ aud: "https://graph.microsoft.com", idtyp: "app", ver: "1.0", tid: "3a7c9d2e-5f4b-4a6c-8d8e-2b3c4d5e6f02" });
      expect(checks[name].claims.roles).toContain("Organization.Read.All");
    }
    expect(checks.secret.claims.appidacr).toBe("1");
    expect(checks.certificate.claims.appidacr).toBe("2");
    expect(checks.unconsented).toMatchObject({ ok: false, errorCode: "invalid_client", aadsts: 7000229 });
    expect(checks["wrong-secret"]).toMatchObject({ ok: false, errorCode: "invalid_client", aadsts: 7000215 });
    expect(checks["unknown-tenant"]).toMatchObject({ ok: false, errorCode: "endpoints_resolution_error" });
    expect(cli.lines).toHaveLength(1);
  });

  it("refuses an invalid scenario, naming the path of the bad field", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "consentry-scenario-"));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    const file = path.join(dir, "bad.json");
    writeFileSync(file, JSON.stringify({ apps: [{ clientId: "x" }], tenants: [] }));
    const cli = startCli(["--port", "0", "--scenario", file]);
    expect(await cli.exit).toBe(1);
    expect(cli.stderr()).toMatch(/apps\[0\]\.clientId: must be a GUID/);
    expect(cli.stderr()).toMatch(/tenants: must list at least one tenant/);
    expect(cli.lines).toEqual([]);
  });

  it("refuses a scenario that assigns an app role the app does not declare", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "consentry-scenario-"));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    const scenario = JSON.parse(readFileSync(path.join(ROOT, "emulator/scenarios/default.json"), "utf8"));
    const appId = scenario.apps[0].clientId;
    scenario.tenants[0].users[1].appRoles = { [appId]: ["Consentry.Owner"] };
    const file = path.join(dir, "bad-app-roles.json");
    writeFileSync(file, JSON.stringify(scenario));
    const cli = startCli(["--port", "0", "--scenario", file]);
    expect(await cli.exit).toBe(1);
    expect(cli.stderr()).toContain(`tenants[0].users[1].appRoles.${appId}[0]: "Consentry.Owner" is not an app role of Consentry Demo App; declared: Consentry.Admin, Consentry.Operator, Consentry.Reader`);
    expect(cli.lines).toEqual([]);
  });

  it("refuses a bad port", async () => {
    const cli = startCli(["--port", "http"]);
    expect(await cli.exit).toBe(1);
    expect(cli.stderr()).toMatch(/--port must be a port number/);
  });
});
