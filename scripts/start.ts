// npm start — checks settings and database, then serves the production build through
// scripts/lib/portal-server.mjs (Next's handler behind node:http, which records each
// connection's address; see there why not `next start`). `--dev` serves `next dev`
// the same way. `npm run build` compiles this file to .next/consentry/start.mjs, which
// `npm start` runs with plain node (a production install has no tsx). Run it from the
// app's folder (npm does): the build, .env files and DATA_DIR are found from there.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";

import { loadEnvFiles } from "./load-env";
import { parseShutdownTimeout } from "./lib/graceful-shutdown.mjs";
import { serverNodeFlags } from "@/lib/config/settings";
import { assertStartable } from "@/lib/startup";

/** How long after the server's own bound this process waits before killing it. */
const BACKSTOP_MARGIN_MS = 2_000;

const dev = process.argv.includes("--dev");
loadEnvFiles(dev);
const shutdownTimeoutMs = parseShutdownTimeout(process.env.SHUTDOWN_TIMEOUT_MS);
if (typeof shutdownTimeoutMs === "string") {
  console.error(`\nConsentry cannot start: ${shutdownTimeoutMs}\n`);
  process.exit(1);
}
const { config, database } = await assertStartable({ exitOnFailure: true });
await database.close();

if (!dev && !existsSync(".next/BUILD_ID")) {
  console.error("Consentry cannot start: there is no production build yet. Run `npm run build` first (or `npm run demo`, which builds for you).");
  process.exit(1);
}

// The server runs in its own process: this one may run under the react-server condition
// (lib/ imports `server-only`; `npm run dev` runs this file through tsx), under which
// Next cannot render.
const server = path.resolve("scripts", "lib", "portal-server.mjs");
const https = config.publicBaseUrl.startsWith("https://");
// The heap's bounds (lib/config/settings.ts says why); a flag here overrides one in NODE_OPTIONS.
const args = [...serverNodeFlags(config), server, "--port", String(config.port), "--hostname", config.listenHost, ...(https ? ["--https"] : []), ...(dev ? ["--dev"] : [])];
const child = spawn(process.execPath, args, { stdio: "inherit", env: { ...process.env, NODE_ENV: dev ? "development" : "production" } });

// Signals go to the server, which stops within SHUTDOWN_TIMEOUT_MS (and treats repeats of
// one Ctrl-C as one); should it hang anyway, it is killed a little after that bound.
let backstop: NodeJS.Timeout | undefined;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill(signal);
    backstop ??= setTimeout(() => {
      console.error(`Consentry: the server did not stop within ${shutdownTimeoutMs + BACKSTOP_MARGIN_MS} ms; killing it.`);
      child.kill("SIGKILL");
    }, shutdownTimeoutMs + BACKSTOP_MARGIN_MS);
  });
}
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
