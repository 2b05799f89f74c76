// The second half of `npm run build`: compiles the scripts a production install runs
// (`npm start`, `npm run db:migrate`) to plain JavaScript in .next/consentry/, so they
// run under `node` after `npm prune --omit=dev` (no tsx, no TypeScript).
//
// esbuild bundles each script with the lib/ code it imports, resolved under the
// `react-server` condition (lib/ modules import `server-only`, which is empty under it).
// The packages in package.json's `dependencies` stay external and load from
// node_modules at run time (better-sqlite3 and pg are native or pool-holding, the rest
// are installed anyway); `server-only` is the exception, bundled so the compiled script
// needs no condition. Anything else (undeclared transitive packages such as @next/env)
// is bundled, so the output imports nothing a pruned install lacks.
//
//   node scripts/build-scripts.mjs [--outdir <folder>]   (default .next/consentry)
import { readFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";

import { build } from "esbuild";

import { ROOT } from "./lib/setup.mjs";

/** The scripts a production install runs, by output name. */
const PRODUCTION_SCRIPTS = { start: "scripts/start.ts", "db-migrate": "scripts/db-migrate.ts" };

const { values } = parseArgs({ options: { outdir: { type: "string", default: ".next/consentry" } }, strict: true });
const outdir = path.resolve(ROOT, values.outdir);

const { dependencies } = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8"));
const external = Object.keys(dependencies).filter((name) => name !== "server-only");

await build({
  absWorkingDir: ROOT,
  entryPoints: Object.fromEntries(Object.entries(PRODUCTION_SCRIPTS).map(([name, file]) => [name, path.join(ROOT, file)])),
  outdir,
  outExtension: { ".js": ".mjs" },
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20.9",
  conditions: ["react-server"],
  external,
  tsconfig: path.join(ROOT, "tsconfig.json"),
  // Bundled CommonJS (e.g. @next/env) uses require() for Node's built-ins and __dirname; an ES module has neither.
  banner: {
    js: [
      'import { createRequire as __cjsCreateRequire } from "node:module";',
      'import { dirname as __cjsDirname } from "node:path";',
      'import { fileURLToPath as __cjsFileURLToPath } from "node:url";',
      "const require = __cjsCreateRequire(import.meta.url);",
      "const __filename = __cjsFileURLToPath(import.meta.url);",
      "const __dirname = __cjsDirname(__filename);",
    ].join("\n"),
  },
  legalComments: "none",
  logLevel: "warning",
});
console.log(`Compiled ${Object.values(PRODUCTION_SCRIPTS).join(", ")} to ${path.relative(ROOT, outdir) || "."}/`);
