// npm run demo — the whole product on one machine with no Azure account: installs and
// builds what is missing, migrates the embedded SQLite database, starts the portal on
// PORT (default 3000) and prints its URL. Ctrl-C stops everything.
import { spawn } from "node:child_process";
import path from "node:path";
import { createInterface } from "node:readline";

import { ROOT, assertNodeVersion, ensureBuilt, ensureInstalled, fail, log } from "./lib/setup.mjs";

assertNodeVersion();
const started = Date.now();
ensureInstalled();
ensureBuilt();

const port = process.env.PORT ?? "3000";
if (!/^\d+$/.test(port) || Number(port) < 1 || Number(port) > 65535) fail(`PORT must be a number from 1 to 65535 (got "${port}").`);
const url = `http://localhost:${port}`;

const portal = spawn(process.execPath, ["--conditions=react-server", "--import", "tsx", path.join(ROOT, "scripts/start.ts")], {
  cwd: ROOT,
  stdio: ["ignore", "pipe", "inherit"],
  env: { ...process.env, PORT: port, PORTAL_CLOUD: process.env.PORTAL_CLOUD ?? "sandbox", NEXT_TELEMETRY_DISABLED: "1" },
});
createInterface({ input: portal.stdout }).on("line", (line) => {
  if (line.trim()) console.log(`  [portal] ${line}`);
});

let stopping = false;
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => {
    stopping = true;
    portal.kill(signal);
  });
}
portal.on("exit", (code) => {
  if (!stopping) console.error(`\nThe portal stopped (exit code ${code ?? "?"}); see its messages above.`);
  process.exit(stopping ? 0 : code || 1);
});

const deadline = Date.now() + 120_000;
for (;;) {
  try {
    const response = await fetch(`http://127.0.0.1:${port}/api/health`);
    if (response.ok) break;
  } catch {
    // not listening yet
  }
  if (Date.now() > deadline) {
    portal.kill("SIGTERM");
    fail("The portal did not become healthy within 2 minutes.");
  }
  await new Promise((resolve) => setTimeout(resolve, 250));
}

const seconds = ((Date.now() - started) / 1000).toFixed(1);
console.log("");
log(`Consentry is running at ${url}  (ready in ${seconds} s; Ctrl-C stops it)`);
log(`Cloud: sandbox (local emulator). Database: SQLite in ./data.`);
