// npm start — checks settings and database, then serves the production build with `next start`.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";

import { loadEnvFiles } from "./load-env";
import { assertStartable } from "@/lib/startup";

loadEnvFiles(false);
const { config, database } = await assertStartable({ exitOnFailure: true });
await database.close();

if (!existsSync(".next/BUILD_ID")) {
  console.error("Consentry cannot start: there is no production build yet. Run `npm run build` first (or `npm run demo`, which builds for you).");
  process.exit(1);
}

const nextBin = createRequire(import.meta.url).resolve("next/dist/bin/next");
const child = spawn(process.execPath, [nextBin, "start", "--port", String(config.port), "--hostname", config.listenHost], { stdio: "inherit" });
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => child.kill(signal));
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
