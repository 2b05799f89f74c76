// npm test — installs and builds what is missing, runs every suite (unit, integration,
// browser), and ends with one line "N passed, N failed" summing them all.
//   npm test                  every suite
//   npm test -- --only e2e    one suite (unit | integration | e2e); repeatable
import { spawn } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import path from "node:path";

import { ROOT, assertNodeVersion, ensureBuilt, ensureInstalled, log } from "./lib/setup.mjs";

const SUITES = ["unit", "integration", "e2e"];
const RESULTS = path.join(ROOT, "test-results");

function parseArgs(argv) {
  const only = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--only" && argv[i + 1]) only.push(argv[++i]);
    else if (argv[i].startsWith("--only=")) only.push(argv[i].slice(7));
  }
  for (const name of only) {
    if (!SUITES.includes(name)) {
      console.error(`Unknown suite "${name}"; choose from ${SUITES.join(", ")}.`);
      process.exit(2);
    }
  }
  return only.length ? only : SUITES;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function run(command, args, env = {}) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: ROOT, stdio: "inherit", env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1", ...env } });
    child.on("exit", (code, signal) => resolve(code ?? (signal ? 1 : 0)));
    child.on("error", () => resolve(1));
  });
}

function readJson(file) {
  try {
    return JSON.parse(readFileSync(file, "utf8"));
  } catch {
    return null;
  }
}

const bin = (name) => path.join(ROOT, "node_modules", ".bin", name);

async function runVitest(project) {
  const output = path.join(RESULTS, `${project}.json`);
  rmSync(output, { force: true });
  const code = await run(bin("vitest"), [
    "run",
    "--project",
    project,
    "--reporter=verbose",
    "--reporter=json",
    `--outputFile.json=${output}`,
  ]);
  const report = readJson(output);
  const passed = report?.numPassedTests ?? 0;
  let failed = report?.numFailedTests ?? 0;
  // A file that fails to load, or a crash, has no failed test to count; count the suite.
  if (code !== 0 && failed === 0) failed = 1;
  return { passed, failed, skipped: report?.numPendingTests ?? 0 };
}

async function runPlaywright() {
  ensureBuilt();
  const output = path.join(RESULTS, "e2e.json");
  rmSync(output, { force: true });
  const [port, emulatorPort, emulatorHttpPort] = [await freePort(), await freePort(), await freePort()];
  const dataDir = path.join(RESULTS, `e2e-data-${port}`);
  rmSync(dataDir, { recursive: true, force: true });
  const code = await run(bin("playwright"), ["test"], {
    E2E_PORT: String(port),
    E2E_EMULATOR_PORT: String(emulatorPort),
    E2E_EMULATOR_HTTP_PORT: String(emulatorHttpPort),
    E2E_DATA_DIR: dataDir,
    E2E_JSON_OUTPUT: output,
  });
  rmSync(dataDir, { recursive: true, force: true });
  const stats = readJson(output)?.stats;
  const passed = (stats?.expected ?? 0) + (stats?.flaky ?? 0);
  let failed = stats?.unexpected ?? 0;
  if (code !== 0 && failed === 0) failed = 1;
  return { passed, failed, skipped: stats?.skipped ?? 0 };
}

assertNodeVersion();
ensureInstalled();
mkdirSync(RESULTS, { recursive: true });

const selected = parseArgs(process.argv.slice(2));
// The integration suite starts the built portal too (tests/integration/scripts/production-server.test.ts).
if (selected.includes("integration")) ensureBuilt();
const totals = {};
for (const suite of selected) {
  log(`Running ${suite} tests...`);
  totals[suite] = suite === "e2e" ? await runPlaywright() : await runVitest(suite);
}

const passed = Object.values(totals).reduce((n, t) => n + t.passed, 0);
const failed = Object.values(totals).reduce((n, t) => n + t.failed, 0);
console.log("");
for (const [suite, t] of Object.entries(totals)) {
  console.log(`  ${suite.padEnd(12)} ${String(t.passed).padStart(4)} passed  ${String(t.failed).padStart(3)} failed${t.skipped ? `  ${t.skipped} skipped` : ""}`);
}
const summary = `${passed} passed, ${failed} failed`;
writeFileSync(path.join(RESULTS, "summary.txt"), `${summary}\n`);
console.log(summary);
process.exit(failed > 0 ? 1 : 0);
