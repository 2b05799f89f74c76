// Set-up shared by `npm run demo` and `npm test`. Plain Node, no dependencies: it runs
// before `npm ci` has installed anything.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const NPM = process.platform === "win32" ? "npm.cmd" : "npm";

export function log(message) {
  console.log(`\x1b[36m[consentry]\x1b[0m ${message}`);
}

export function fail(message) {
  console.error(`\x1b[31m[consentry]\x1b[0m ${message}`);
  process.exit(1);
}

export function assertNodeVersion() {
  const [major, minor] = process.versions.node.split(".").map(Number);
  if (major < 20 || (major === 20 && minor < 9)) fail(`Node.js 20.9 or newer is required (this is ${process.versions.node}).`);
}

function mtime(file) {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return 0;
  }
}

function newestMtime(entry) {
  let stat;
  try {
    stat = statSync(entry);
  } catch {
    return 0;
  }
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const name of readdirSync(entry)) newest = Math.max(newest, newestMtime(path.join(entry, name)));
  return newest;
}

function run(command, args, env = {}) {
  const result = spawnSync(command, args, { cwd: ROOT, stdio: "inherit", env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1", ...env } });
  return result.status ?? 1;
}

/** Runs `npm ci` when node_modules is missing or older than the lockfile. */
export function ensureInstalled() {
  const marker = path.join(ROOT, "node_modules", ".package-lock.json");
  if (existsSync(marker) && mtime(marker) >= mtime(path.join(ROOT, "package-lock.json"))) return;
  log("Installing dependencies (npm ci)...");
  if (run(NPM, ["ci", "--no-audit", "--no-fund"]) !== 0) fail("npm ci failed; see the output above.");
}

const BUILD_INPUTS = ["app", "lib", "public", "instrumentation.ts", "proxy.ts", "next.config.js", "postcss.config.js", "tsconfig.json", "package-lock.json"];
/** What scripts/build-scripts.mjs compiles into .next/consentry/ (with lib/, above). */
const SCRIPT_INPUTS = ["scripts/start.ts", "scripts/db-migrate.ts", "scripts/load-env.ts", "scripts/lib", "scripts/build-scripts.mjs", "lib", "package.json"];
const COMPILED_SCRIPTS = [".next/consentry/start.mjs", ".next/consentry/db-migrate.mjs"];

/**
 * Runs `npm run build` (next build, then the production scripts) when there is no build
 * or a source file changed since the last one; only the scripts' compile step when only
 * they are missing or stale.
 */
export function ensureBuilt() {
  const buildId = path.join(ROOT, ".next", "BUILD_ID");
  const built = mtime(buildId);
  const newest = Math.max(...BUILD_INPUTS.map((p) => newestMtime(path.join(ROOT, p))));
  if (built === 0 || built < newest) {
    log(built > 0 ? "Sources changed since the last build; rebuilding (npm run build)..." : "Building the portal (npm run build)...");
    if (run(NPM, ["run", "build", "--silent"]) !== 0) fail("The build failed; see the output above.");
    return;
  }
  const compiled = Math.min(...COMPILED_SCRIPTS.map((p) => mtime(path.join(ROOT, p))));
  if (compiled > 0 && compiled >= Math.max(...SCRIPT_INPUTS.map((p) => newestMtime(path.join(ROOT, p))))) return;
  log("Compiling the production scripts (scripts/build-scripts.mjs)...");
  if (run(process.execPath, [path.join(ROOT, "scripts/build-scripts.mjs")]) !== 0) fail("Compiling the production scripts failed; see the output above.");
}
