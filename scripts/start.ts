// npm start — checks settings and database, then serves the production build through
// scripts/lib/portal-server.mjs (Next's handler behind node:http, which records each
// connection's address; see there why not `next start`). `--dev` serves `next dev`
// the same way.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { loadEnvFiles } from "./load-env";
import { assertStartable } from "@/lib/startup";

const dev = process.argv.includes("--dev");
loadEnvFiles(dev);
const { config, database } = await assertStartable({ exitOnFailure: true });
await database.close();

if (!dev && !existsSync(".next/BUILD_ID")) {
  console.error("Consentry cannot start: there is no production build yet. Run `npm run build` first (or `npm run demo`, which builds for you).");
  process.exit(1);
}

// The server runs in its own process: this one was started with the react-server
// condition (lib/ imports `server-only`), under which Next cannot render.
const server = path.join(path.dirname(fileURLToPath(import.meta.url)), "lib", "portal-server.mjs");
const https = config.publicBaseUrl.startsWith("https://");
const args = [server, "--port", String(config.port), "--hostname", config.listenHost, ...(https ? ["--https"] : []), ...(dev ? ["--dev"] : [])];
const child = spawn(process.execPath, args, { stdio: "inherit", env: { ...process.env, NODE_ENV: dev ? "development" : "production" } });
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => child.kill(signal));
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
