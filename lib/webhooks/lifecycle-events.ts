import "server-only";

import type { Db } from "@/lib/db/database";
import { enqueueWebhookEvents, listSubscribedEndpoints } from "@/lib/db/repositories/webhooks";
import { needsReconsent, permissionSetsByVersion } from "@/lib/permissions/permission-set";
import { tenantNeedsReconsentEvent } from "@/lib/webhooks/events";

/**
 * After a new permission-set version is recorded: one `tenant.needs_reconsent` per consented
 * tenant that needs re-consent for it and did not for the version before (tenants already behind
 * were announced when they fell behind).
 */
export async function enqueueNeedsReconsentEvents(db: Db, newVersion: number, now: Date = new Date()): Promise<number> {
  if ((await listSubscribedEndpoints(db, ["tenant.needs_reconsent"])).length === 0) return 0;
  const sets = await permissionSetsByVersion(db);
  const current = sets.get(newVersion);
  if (!current) return 0;
  const previous = [...sets.values()].filter((s) => s.version < newVersion).sort((a, b) => b.version - a.version)[0] ?? null;
  const tenants = await db.selectFrom("tenants").select(["id", "display_name", "consented_permission_set_version"]).where("status", "=", "consented").where("consented_permission_set_version", "<", newVersion).execute();
  const events = tenants
    .filter((t) => needsReconsent(t.consented_permission_set_version, sets, current) && !(previous && needsReconsent(t.consented_permission_set_version, sets, previous)))
    .map((t) => tenantNeedsReconsentEvent({ tenantId: t.id, displayName: t.display_name, consentedPermissionSetVersion: t.consented_permission_set_version, currentPermissionSetVersion: newVersion }, now));
  let queued = 0;
  for (let i = 0; i < events.length; i += 500) queued += await enqueueWebhookEvents(db, events.slice(i, i + 500), { now });
  return queued;
}
