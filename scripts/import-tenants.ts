// Imports tenants that already consented, each proven with an app-only token:
//   node --conditions=react-server --import tsx scripts/import-tenants.ts <tenant-id> ...
//   ... --from-scenario <file>   every tenant of a sandbox scenario with an existing consent
// npm run demo uses the second form, so the demo starts with the scenario's tenants.
import { readFileSync } from "node:fs";

import { loadEnvFiles } from "./load-env";
import { getConfig } from "@/lib/config";
import { importConsentedTenant } from "@/lib/consent/import-tenant";
import { describeStartupFailure, assertStartable } from "@/lib/startup";

loadEnvFiles(false);
const args = process.argv.slice(2);
const fromIndex = args.indexOf("--from-scenario");
let ids = args.filter((a, i) => !a.startsWith("--") && i !== fromIndex + 1);
const names = new Map<string, string>();
try {
  const { database } = await assertStartable({ exitOnFailure: true });
  if (fromIndex >= 0) {
    const scenario = JSON.parse(readFileSync(args[fromIndex + 1]!, "utf8")) as { tenants: { id: string; displayName?: string; consents?: { clientId: string }[] }[] };
    const { clientId, partnerTenantId } = getConfig();
    // The partner's own tenant consented only so the app can read its registration: it is no customer.
    const consented = scenario.tenants.filter((t) => t.id !== partnerTenantId && t.consents?.some((c) => c.clientId.toLowerCase() === clientId));
    for (const t of consented) if (t.displayName) names.set(t.id.toLowerCase(), t.displayName);
    ids = [...ids, ...consented.map((t) => t.id)];
  }
  const imported: string[] = [];
  for (const id of ids) {
    try {
      // The scenario's name stands in when no token can read the organization (a tenant refusing the app).
      const tenant = await importConsentedTenant(database.db, "system", id, undefined, names.get(id.toLowerCase()) ?? null);
      imported.push(tenant.displayName ?? tenant.id);
    } catch (error) {
      console.error(`Not imported ${id}: ${error instanceof Error ? error.message : error}`);
    }
  }
  console.log(imported.length ? `Imported ${imported.length} tenant(s) that had already consented: ${imported.join("; ")}.` : "No tenant imported.");
  await database.close();
} catch (error) {
  console.error(describeStartupFailure(error));
  process.exit(1);
}
