import { spawn, type ChildProcess } from "node:child_process";
import http from "node:http";
import { once } from "node:events";
import net from "node:net";
import path from "node:path";
import { createInterface } from "node:readline";
import { mkdtempSync } from "node:fs";
import os from "node:os";
import { afterEach, beforeAll, describe, expect, it } from "vitest";

import { DEFAULT_SHUTDOWN_TIMEOUT_MS, parseShutdownTimeout } from "../../../scripts/lib/graceful-shutdown.mjs";
import { ensureBuilt } from "../../../scripts/lib/setup.mjs";
import { ROOT } from "../../support/run-script";

const STAND_IN = path.join(import.meta.dirname, "fixtures", "stand-in-server.mjs");

interface Running {
  child: ChildProcess;
  port: number;
  output: () => string;
  /** Resolves with the exit code or signal, and when. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
}

const running: ChildProcess[] = [];
afterEach(() => {
  for (const child of running.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
});

async function startStandIn(env: Record<string, string>): Promise<Running> {
  return watch(spawn(process.execPath, [STAND_IN], { env: { PATH: process.env.PATH ?? "/usr/bin:/bin", ...env } as unknown as NodeJS.ProcessEnv, stdio: ["ignore", "pipe", "pipe"] }), (first) => (JSON.parse(first) as { port: number }).port);
}

/** Collects a child's output and exit; `port` reads the port from its first stdout line. */
async function watch(child: ChildProcess, port: (firstLine: string) => number): Promise<Running> {
  running.push(child);
  let output = "";
  child.stderr!.on("data", (c: Buffer) => (output += c.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((resolve) =>
    child.on("exit", (code, signal) => resolve({ code, signal, at: Date.now() })),
  );
  const lines = createInterface({ input: child.stdout! });
  const [first] = (await once(lines, "line")) as [string];
  output += `${first}\n`;
  lines.on("line", (line) => (output += `${line}\n`));
  return { child, port: port(first), output: () => output, exited };
}

/** A request that is in flight when the signal comes: resolves with its status and body. */
function slowRequest(port: number, ms: number): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: "127.0.0.1", port, path: `/slow?ms=${ms}`, agent: false }, (res) => {
        let body = "";
        res.on("data", (c: Buffer) => (body += c.toString()));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      })
      .on("error", reject);
  });
}

function connects(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, "127.0.0.1");
    socket.once("connect", () => (socket.destroy(), resolve(true)));
    socket.once("error", () => resolve(false));
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("SHUTDOWN_TIMEOUT_MS", () => {
  it.each([
    [undefined, DEFAULT_SHUTDOWN_TIMEOUT_MS],
    ["", DEFAULT_SHUTDOWN_TIMEOUT_MS],
    [" 2500 ", 2500],
    ["100", 100],
    ["600000", 600000],
  ])("accepts %j as %d ms", (raw, expected) => {
    expect(parseShutdownTimeout(raw)).toBe(expected);
  });

  it.each(["10s", "99", "600001", "-5", "1.5", "1e4"])("refuses %j, naming the setting and the range", (raw) => {
    expect(parseShutdownTimeout(raw)).toBe(
      `SHUTDOWN_TIMEOUT_MS: must be a whole number of milliseconds from 100 to 600000 (got "${raw}"). Example: SHUTDOWN_TIMEOUT_MS=10000`,
    );
  });
});

describe("the server on SIGTERM (portal-server.mjs's shutdown around a stand-in handler)", () => {
  it("finishes the request in flight and the shutdown hook, refuses new connections, and exits 0", async () => {
    const server = await startStandIn({ STAND_IN_HOOK: "400", SHUTDOWN_TIMEOUT_MS: "5000" });
    const inFlight = slowRequest(server.port, 800);
    await sleep(100);
    const sent = Date.now();
    server.child.kill("SIGTERM");
    await sleep(100);
    expect(await connects(server.port)).toBe(false);
    expect(await inFlight).toEqual({ status: 200, body: '{"shuttingDown":true}' });
    const { code, at } = await server.exited;
    expect(code, server.output()).toBe(0);
    expect(at - sent).toBeLessThan(5000);
    expect(server.output()).toContain("hook: background work stopped");
    expect(server.output()).toContain("Consentry: stopped.");
  });

  it("cuts what is left and exits 1 when the hook outlasts SHUTDOWN_TIMEOUT_MS", async () => {
    const server = await startStandIn({ STAND_IN_HOOK: "hang", SHUTDOWN_TIMEOUT_MS: "800" });
    const sent = Date.now();
    server.child.kill("SIGTERM");
    const { code, at } = await server.exited;
    expect(code).toBe(1);
    expect(at - sent).toBeGreaterThanOrEqual(750);
    expect(at - sent).toBeLessThan(2500);
    expect(server.output()).toContain("stopping took longer than 800 ms (SHUTDOWN_TIMEOUT_MS)");
  });

  it("exits 1 and says so when the shutdown hook fails", async () => {
    const server = await startStandIn({ STAND_IN_HOOK: "fail" });
    server.child.kill("SIGTERM");
    expect((await server.exited).code).toBe(1);
    expect(server.output()).toContain("stopping background work failed: could not release 3 leases");
  });

  it("treats repeats of one signal within a second as that signal (terminal, npm and start.ts each deliver it)", async () => {
    const server = await startStandIn({ STAND_IN_HOOK: "300" });
    server.child.kill("SIGINT");
    server.child.kill("SIGINT");
    server.child.kill("SIGTERM");
    expect((await server.exited).code, server.output()).toBe(0);
    expect(server.output()).toContain("hook: background work stopped");
  });

  it("exits at once on a second signal a second or more after the first", async () => {
    const server = await startStandIn({ STAND_IN_HOOK: "hang", SHUTDOWN_TIMEOUT_MS: "30000" });
    server.child.kill("SIGTERM");
    await sleep(1_200);
    const sent = Date.now();
    server.child.kill("SIGTERM");
    const { code, at } = await server.exited;
    expect(code).toBe(143);
    expect(at - sent).toBeLessThan(1000);
    expect(server.output()).toContain("second SIGTERM; exiting now.");
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

describe("the built portal through the compiled start script", () => {
  let portal: Running;
  let base: string;
  // npm test builds before this suite; a targeted run builds here when the build is missing or stale.
  beforeAll(async () => {
    ensureBuilt();
    const port = await freePort();
    const env = { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: process.env.HOME ?? "/tmp", NEXT_TELEMETRY_DISABLED: "1" };
    const settings = { PORTAL_CLOUD: "sandbox", DATA_DIR: mkdtempSync(path.join(os.tmpdir(), "consentry-stop-")), PORT: String(port), HOST: "127.0.0.1", SHUTDOWN_TIMEOUT_MS: "5000" };
    portal = await watch(
      spawn(process.execPath, [".next/consentry/start.mjs"], { cwd: ROOT, env: { ...env, ...settings } as unknown as NodeJS.ProcessEnv, stdio: ["ignore", "pipe", "pipe"] }),
      () => port,
    );
    running.splice(running.indexOf(portal.child), 1); // kept across this block's tests; the last one stops it
    base = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + 120_000;
    while (!(await fetch(`${base}/api/health`).then((r) => r.ok, () => false))) {
      if (Date.now() > deadline || portal.child.exitCode !== null) throw new Error(`The portal did not answer /api/health:\n${portal.output()}`);
      await sleep(250);
    }
  }, 15 * 60_000);

  it.each([
    ["/favicon.ico", "image/x-icon"],
    ["/icon.svg", "image/svg+xml"],
  ])("serves %s (%s) to anyone, with no redirect", async (file, type) => {
    const response = await fetch(`${base}${file}`, { redirect: "manual" });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain(type);
  });

  it("links the icons from every page", async () => {
    const html = await (await fetch(`${base}/`)).text();
    expect(html).toMatch(/<link rel="icon" href="\/icon.svg" type="image\/svg\+xml"\/>/);
    expect(html).toMatch(/<link rel="icon" href="\/favicon.ico" sizes="16x16 32x32 48x48"\/>/);
  });

  it("is live but not ready in the sandbox without a credential", async () => {
    const ready = await fetch(`${base}/api/health/ready`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ failing: ["credential"] });
  });

  it("stops on SIGTERM within SHUTDOWN_TIMEOUT_MS with exit code 0", async () => {
    const sent = Date.now();
    portal.child.kill("SIGTERM");
    const { code, at } = await portal.exited;
    expect(code, portal.output()).toBe(0);
    expect(at - sent).toBeLessThan(5000);
    expect(portal.output()).toContain("Consentry: SIGTERM received; stopping");
    expect(portal.output()).toContain("Consentry: stopped.");
    // Once Next has run instrumentation.ts, the server's own lines are the portal's JSON log lines.
    const lines = portal
      .output()
      .split("\n")
      .filter((line) => line.startsWith("{"))
      .map((line) => JSON.parse(line) as { level: string; component?: string; msg: string });
    expect(lines.find((line) => line.msg === "Consentry: stopped.")).toMatchObject({ level: "info", component: "server" });
  });
});
