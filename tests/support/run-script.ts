import { spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

export interface ScriptResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs one of the project's TypeScript scripts the way `npm run` does, in a clean
 * environment holding only what the test passes (plus PATH and HOME), with `args` and
 * `input` on standard input when given. A compiled `.mjs` script runs with plain node
 * (no tsx, no condition), from `cwd` when given.
 */
export function runScript(script: string, env: Record<string, string>, options: { timeoutMs?: number; asUser?: string; args?: string[]; input?: string; cwd?: string } = {}): Promise<ScriptResult> {
  const cwd = options.cwd ?? ROOT;
  const loader = script.endsWith(".mjs") ? [] : ["--conditions=react-server", "--import", "tsx"];
  const nodeArgs = [...loader, path.join(cwd, script), ...(options.args ?? [])];
  const command = options.asUser ? "runuser" : process.execPath;
  const args = options.asUser ? ["-u", options.asUser, "--", process.execPath, ...nodeArgs] : nodeArgs;
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd,
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: process.env.HOME ?? "/tmp", NEXT_TELEMETRY_DISABLED: "1", ...env } as unknown as NodeJS.ProcessEnv,
      stdio: [options.input === undefined ? "ignore" : "pipe", "pipe", "pipe"],
    });
    if (options.input !== undefined) child.stdin!.end(options.input);
    let stdout = "";
    let stderr = "";
    child.stdout!.on("data", (c: Buffer) => (stdout += c.toString()));
    child.stderr!.on("data", (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 60_000);
    child.on("error", reject);
    child.on("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
