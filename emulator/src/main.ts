// npm run emulator -- --scenario <file> --port <n> [--http-port <n>] [--state-dir <dir>] [--ca-dir <dir>]
// Starts the sandbox cloud and prints one JSON line on stdout when it is ready.
import path from "node:path";
import { parseArgs } from "node:util";

import { loadScenarioFile, ScenarioError } from "./scenario";
import { startEmulator } from "./start-emulator";

const DEFAULT_SCENARIO = path.join(path.dirname(new URL(import.meta.url).pathname), "..", "scenarios", "default.json");

function fail(message: string): never {
  console.error(`Sandbox cloud cannot start: ${message}`);
  process.exit(1);
}

function portArg(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value) || Number(value) > 65535) fail(`--${name} must be a port number from 0 to 65535 (got "${value}").`);
  return Number(value);
}

let args: ReturnType<typeof parseArgs<{ options: Record<string, { type: "string" }> }>>["values"];
try {
  args = parseArgs({
    options: { scenario: { type: "string" }, port: { type: "string" }, "http-port": { type: "string" }, "state-dir": { type: "string" }, "ca-dir": { type: "string" } },
    strict: true,
  }).values;
} catch (error) {
  fail(`${(error as Error).message}. Usage: npm run emulator -- --scenario <file> --port <n> [--http-port <n>] [--state-dir <dir>] [--ca-dir <dir>]`);
}

const port = portArg("port", args.port, 3100);
const httpPort = portArg("http-port", args["http-port"], port === 0 ? 0 : port + 1);
const stateDir = path.resolve(args["state-dir"] ?? path.join("data", "sandbox"));

let scenario;
try {
  scenario = loadScenarioFile(path.resolve(args.scenario ?? DEFAULT_SCENARIO));
} catch (error) {
  if (error instanceof ScenarioError) fail(error.message);
  throw error;
}

try {
  const emulator = await startEmulator({ scenario, port, httpPort, stateDir, caDir: args["ca-dir"] ? path.resolve(args["ca-dir"]) : undefined });
  process.stdout.write(
    `${JSON.stringify({
      ready: true,
      authorityHost: emulator.authorityHost,
      graphHost: emulator.graphHost,
      exchangeHost: emulator.exchangeHost,
      loginHost: emulator.loginHost,
      caCertPath: emulator.caCertPath,
      credentialsPath: emulator.credentialsPath,
    })}\n`,
  );
  const stop = () => {
    void emulator.close().then(() => process.exit(0));
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
} catch (error) {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === "EADDRINUSE") fail(`port ${port} or ${httpPort} is already in use; pick others with --port and --http-port (0 picks a free one).`);
  if (code === "EACCES") fail(`cannot write to ${stateDir}; choose a writable --state-dir.`);
  throw error;
}
