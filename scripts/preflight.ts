// Validates settings and migrates the database before `next dev` starts.
import { loadEnvFiles } from "./load-env";
import { assertStartable } from "@/lib/startup";

loadEnvFiles(process.argv.includes("--dev"));
const { config, database } = await assertStartable({ exitOnFailure: true });
console.log(`Consentry settings OK: cloud ${config.cloud.name}, database ${database.engine}.`);
await database.close();
