import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";

import { assertLocalUrl } from "./network-guard";
import { freePort } from "./postgres-server";
import { ROOT } from "./run-script";

/**
 * Builds the portal (`next build`) when there is no build or a source changed since the last
 * one, through the same check as `npm run demo` and `npm test` (ensureBuilt in scripts/lib/setup.mjs):
 * the integration suite runs before the browser suite, which would otherwise build it.
 */
export function ensureProductionBuild(): void {
  const result = spawnSync(process.execPath, ["--input-type=module", "-e", "const { ensureBuilt } = await import(process.argv[1]); ensureBuilt();", path.join(ROOT, "scripts/lib/setup.mjs")], {
    cwd: ROOT,
    stdio: "inherit",
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
  });
  if (result.status !== 0 || !existsSync(path.join(ROOT, ".next", "BUILD_ID"))) throw new Error("The production build failed; see `npm run build`.");
}

export interface PortalProcess {
  url: string;
  pid: number;
  child: ChildProcess;
  /** What it printed, for a failing test's message. */
  output(): string;
  /** Ends it with SIGKILL (a crash) and waits until it is gone. */
  kill(): Promise<void>;
}

/**
 * One production portal process (scripts/lib/portal-server.mjs, as `npm start` runs it after its
 * checks) on a free loopback port, with only the environment given (plus PATH, HOME and the
 * emulator CA); resolves once /api/health answers 200.
 */
export async function startPortalProcess(env: Record<string, string>, options: { timeoutMs?: number } = {}): Promise<PortalProcess> {
  if (env.DATABASE_URL) assertLocalUrl(env.DATABASE_URL);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, [path.join(ROOT, "scripts/lib/portal-server.mjs"), "--port", String(port), "--hostname", "127.0.0.1"], {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      PATH: process.env.PATH ?? "/usr/bin:/bin",
      HOME: process.env.HOME ?? "/tmp",
      NODE_ENV: "production",
      NEXT_TELEMETRY_DISABLED: "1",
      NODE_EXTRA_CA_CERTS: process.env.NODE_EXTRA_CA_CERTS ?? "",
      PORT: String(port),
      PUBLIC_BASE_URL: url,
      ...env,
    } as unknown as NodeJS.ProcessEnv,
  });
  let output = "";
  child.stdout!.on("data", (c: Buffer) => (output = (output + c.toString()).slice(-20_000)));
  child.stderr!.on("data", (c: Buffer) => (output = (output + c.toString()).slice(-20_000)));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  for (;;) {
    if (child.exitCode !== null) throw new Error(`The portal exited during start-up (${child.exitCode}):\n${output}`);
    const ok = await fetch(`${url}/api/health`).then((r) => r.ok, () => false);
    if (ok) break;
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`The portal did not answer /api/health within the time:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url,
    pid: child.pid!,
    child,
    output: () => output,
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      await exited;
    },
  };
}
