// npm run db:migrate — applies pending schema migrations to the configured database.
import { loadEnvFiles } from "./load-env";
import { getConfig } from "@/lib/config";
import { openDatabase } from "@/lib/db/database";
import { migrateToLatest } from "@/lib/db/migrate";
import { describeStartupFailure } from "@/lib/startup";

loadEnvFiles(false);
try {
  const settings = getConfig().database;
  const database = await openDatabase(settings);
  try {
    const report = await migrateToLatest(database.db, database.engine);
    const where = `${database.engine} at ${database.display}`;
    if (report.applied.length === 0) console.log(`Database ${where} is up to date (schema version ${report.to}).`);
    else console.log(`Database ${where} migrated from version ${report.from} to ${report.to}: ${report.applied.join(", ")}.`);
  } finally {
    await database.close();
  }
} catch (error) {
  console.error(describeStartupFailure(error).replace("Consentry cannot start", "Migration failed"));
  process.exit(1);
}
