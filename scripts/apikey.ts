// API keys for automation, from a shell (admins can also manage them on the settings page):
//   npm run -s apikey -- create --name "PSA sync" --role reader|operator|admin
//        prints {"id","key","role","name","prefix"}: the key is shown this once and stored only hashed
//   npm run -s apikey -- list            one JSON object per key (never the key)
//   npm run -s apikey -- revoke <id>
import { parseArgs } from "node:util";

import { loadEnvFiles } from "./load-env";
import { createApiKey, listApiKeys, revokeApiKey } from "@/lib/auth/api-keys";
import { isAppError } from "@/lib/errors";
import { assertStartable } from "@/lib/startup";

const USAGE = "usage: npm run -s apikey -- create --name <name> --role reader|operator|admin | list | revoke <id>";

function fail(message: string): never {
  process.stderr.write(`apikey: ${message}\n`);
  process.exit(2);
}

loadEnvFiles(false);
let parsed;
try {
  parsed = parseArgs({ args: process.argv.slice(2), allowPositionals: true, options: { name: { type: "string" }, role: { type: "string" }, help: { type: "boolean", short: "h" } } });
} catch (error) {
  fail(`${(error as Error).message} (${USAGE})`);
}
const [command, ...rest] = parsed.positionals;
if (parsed.values.help || !command) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(command || parsed.values.help ? 0 : 2);
}
if (!["create", "list", "revoke"].includes(command)) fail(`unknown command "${command}" (${USAGE})`);

const { database } = await assertStartable({ exitOnFailure: true });
const actor = `cli:${process.env.USER ?? "unknown"}`;
try {
  if (command === "create") {
    if (rest.length) fail(`create takes no positional arguments (${USAGE})`);
    const { apiKey, key } = await createApiKey(database.db, { name: parsed.values.name ?? "", role: (parsed.values.role ?? "") as never }, actor);
    process.stdout.write(`${JSON.stringify({ id: apiKey.id, key, role: apiKey.role, name: apiKey.name, prefix: apiKey.prefix })}\n`);
  } else if (command === "list") {
    for (const k of await listApiKeys(database.db)) process.stdout.write(`${JSON.stringify(k)}\n`);
  } else {
    if (rest.length !== 1) fail(`revoke takes one key ID (${USAGE})`);
    await revokeApiKey(database.db, rest[0]!, actor);
    process.stdout.write(`${JSON.stringify({ id: rest[0], revoked: true })}\n`);
  }
} catch (error) {
  await database.close();
  if (isAppError(error)) fail(error.message);
  throw error;
}
await database.close();
