// npm run demo — the whole product on one machine with no Azure account: installs and
// builds what is missing, starts the sandbox cloud (the local emulator of Entra ID,
// Graph and Exchange), migrates the embedded SQLite database, starts the portal on PORT
// (default 3000) and prints its URL. Ctrl-C stops everything.
//   npm run demo -- --scenario my-tenants.json    use another sandbox scenario
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { createInterface } from "node:readline";

import { ROOT, assertNodeVersion, ensureBuilt, ensureInstalled, fail, log } from "./lib/setup.mjs";

assertNodeVersion();
const started = Date.now();
const argv = process.argv.slice(2);
const scenarioIndex = argv.indexOf("--scenario");
const scenario = scenarioIndex >= 0 ? argv[scenarioIndex + 1] : undefined;
if (scenarioIndex >= 0 && !scenario) fail("--scenario needs a file name.");

ensureInstalled();
ensureBuilt();

const port = process.env.PORT ?? "3000";
if (!/^\d+$/.test(port) || Number(port) < 1 || Number(port) > 65535) fail(`PORT must be a number from 1 to 65535 (got "${port}").`);
const url = `http://localhost:${port}`;
const dataDir = path.resolve(ROOT, process.env.DATA_DIR ?? "data");

const children = [];
let stopping = false;
function stopAll(signal = "SIGTERM") {
  stopping = true;
  for (const child of children) if (child.exitCode === null) child.kill(signal);
}
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => stopAll(signal));

function prefixed(child, name) {
  createInterface({ input: child.stdout }).on("line", (line) => {
    if (line.trim()) console.log(`  [${name}] ${line}`);
  });
}

// 1. The sandbox cloud; its first stdout line says where it listens.
log("Starting the sandbox cloud...");
const emulatorArgs = ["--import", "tsx", path.join(ROOT, "emulator/src/main.ts"), "--port", "0", "--state-dir", path.join(dataDir, "sandbox")];
if (scenario) emulatorArgs.push("--scenario", path.resolve(scenario));
const emulator = spawn(process.execPath, emulatorArgs, { cwd: ROOT, stdio: ["ignore", "pipe", "inherit"] });
children.push(emulator);
const ready = await new Promise((resolve) => {
  const lines = createInterface({ input: emulator.stdout });
  lines.once("line", (line) => {
    try {
      resolve(JSON.parse(line));
    } catch {
      resolve(null);
    }
  });
  emulator.once("exit", () => resolve(null));
});
if (!ready?.ready) {
  stopAll();
  fail("The sandbox cloud did not start; see its message above.");
}
emulator.on("exit", (code) => {
  if (!stopping) {
    console.error(`\nThe sandbox cloud stopped (exit code ${code ?? "?"}).`);
    stopAll();
    process.exit(1);
  }
});

const credentials = JSON.parse(readFileSync(ready.credentialsPath, "utf8")).apps[0];
const certificate = credentials.certificates[0];

// 2. The portal, configured for the sandbox: hosts, CA trust and the demo app's certificate.
const portalEnv = {
    ...process.env,
    PORT: port,
    PORTAL_CLOUD: "sandbox",
    DATA_DIR: dataDir,
    SANDBOX_AUTHORITY_HOST: ready.authorityHost,
    SANDBOX_GRAPH_HOST: ready.graphHost,
    SANDBOX_EXCHANGE_HOST: ready.exchangeHost,
    SANDBOX_LOGIN_HOST: ready.loginHost,
    NODE_EXTRA_CA_CERTS: ready.caCertPath,
    AZURE_CLIENT_ID: credentials.clientId,
    AZURE_CLIENT_SECRET: "",
    AZURE_CLIENT_CERTIFICATE_PATH: certificate ? certificate.path : "",
    NEXT_TELEMETRY_DISABLED: "1",
    // Readable log lines in the terminal (pino-pretty); production writes JSON lines.
    LOG_FORMAT: process.env.LOG_FORMAT ?? "pretty",
};

// The scenario's tenants that consented before the demo are added, each proven with a token.
const scenarioFile = scenario ? path.resolve(scenario) : path.join(ROOT, "emulator/scenarios/default.json");
await new Promise((resolve) => {
  const importer = spawn(process.execPath, ["--conditions=react-server", "--import", "tsx", path.join(ROOT, "scripts/import-tenants.ts"), "--from-scenario", scenarioFile], {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "inherit"],
    env: portalEnv,
  });
  prefixed(importer, "import");
  importer.on("exit", resolve);
});

const portal = spawn(process.execPath, ["--conditions=react-server", "--import", "tsx", path.join(ROOT, "scripts/start.ts")], {
  cwd: ROOT,
  stdio: ["ignore", "pipe", "inherit"],
  env: portalEnv,
});
children.push(portal);
prefixed(portal, "portal");
portal.on("exit", (code) => {
  if (!stopping) console.error(`\nThe portal stopped (exit code ${code ?? "?"}); see its messages above.`);
  stopAll();
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
    stopAll();
    fail("The portal did not become healthy within 2 minutes.");
  }
  await new Promise((resolve) => setTimeout(resolve, 250));
}

const seconds = ((Date.now() - started) / 1000).toFixed(1);
console.log("");
log(`Consentry is running at ${url}  (ready in ${seconds} s; Ctrl-C stops it)`);
log(`Sandbox cloud: sign-in and consent pages at ${ready.loginHost}, APIs at ${ready.authorityHost}`);
log(`Database: SQLite in ${path.relative(ROOT, dataDir) || "."}; sandbox keys and credentials in ${path.relative(ROOT, path.dirname(ready.credentialsPath))}`);
