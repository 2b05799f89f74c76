import { execFile } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";

import { ROOT } from "../../support/run-script";

/**
 * What `npm ci && npm run build && npm prune --omit=dev` leaves for the production scripts,
 * without a network install: a folder whose node_modules holds only the packages the
 * lockfile does not mark `dev` (each a link to the installed one), and the scripts compiled
 * into its .next/consentry/ by scripts/build-scripts.mjs. A compiled script that imports a
 * devDependency (tsx, esbuild, vitest, ...) cannot resolve it here.
 */
export async function createProductionInstall(): Promise<string> {
  const root = mkdtempSync(path.join(os.tmpdir(), "consentry-prod-"));
  const lock = JSON.parse(readFileSync(path.join(ROOT, "package-lock.json"), "utf8")) as { packages: Record<string, { dev?: boolean }> };
  for (const [key, entry] of Object.entries(lock.packages)) {
    if (entry.dev || !/^node_modules\/(@[^/]+\/)?[^/]+$/.test(key)) continue;
    const installed = path.join(ROOT, key);
    if (!existsSync(installed)) continue; // another platform's optional binary
    mkdirSync(path.dirname(path.join(root, key)), { recursive: true });
    symlinkSync(installed, path.join(root, key), "dir");
  }
  await promisify(execFile)(process.execPath, [path.join(ROOT, "scripts/build-scripts.mjs"), "--outdir", path.join(root, ".next/consentry")], { cwd: ROOT });
  return root;
}
