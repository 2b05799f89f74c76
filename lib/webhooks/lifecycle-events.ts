import "server-only";

import { z } from "zod";

import type { Db } from "@/lib/db/database";
import { fromJson } from "@/lib/db/repositories/json";
import { enqueueWebhookEvents, listSubscribedEndpoints } from "@/lib/db/repositories/webhooks";
import { needsReconsent, permissionSetsByVersion } from "@/lib/permissions/permission-set";
import { reconsentRule, tenantNeedsReconsent } from "@/lib/tenants/needs-reconsent";
import { tenantNeedsReconsentEvent } from "@/lib/webhooks/events";

/**
 * After a new permission-set version is recorded: one `tenant.needs_reconsent` per consented
 * tenant that needs re-consent now (the rule the list and counts use) and did not under the version
 * before (tenants already behind were announced when they fell behind).
 */
export async function enqueueNeedsReconsentEvents(db: Db, newVersion: number, now: Date = new Date()): Promise<number> {
  if ((await listSubscribedEndpoints(db, ["tenant.needs_reconsent"])).length === 0) return 0;
  const [rule, sets] = await Promise.all([reconsentRule(db), permissionSetsByVersion(db)]);
  if (rule.currentVersion !== newVersion) return 0; // an even newer version was recorded meanwhile; it announces its own
  const previous = [...sets.values()].filter((s) => s.version < newVersion).sort((a, b) => b.version - a.version)[0] ?? null;
  const neededBefore = (version: number | null, roles: string[]) =>
    previous !== null && (version !== null ? needsReconsent(version, sets, previous) : roles.length > 0 && previous.permissions.some((p) => p.resource === "graph" && !roles.includes(p.value)));
  const rows = await db.selectFrom("tenants").select(["id", "display_name", "status", "consented_permission_set_version", "roles"]).where("status", "=", "consented").execute();
  const events = rows
    .map((t) => ({ ...t, roleList: fromJson(t.roles, z.array(z.string()), "tenants.roles") ?? [] }))
    .filter((t) => tenantNeedsReconsent(rule, { status: t.status, consentedPermissionSetVersion: t.consented_permission_set_version, roles: t.roleList }) && !neededBefore(t.consented_permission_set_version, t.roleList))
    .map((t) => tenantNeedsReconsentEvent({ tenantId: t.id, displayName: t.display_name, consentedPermissionSetVersion: t.consented_permission_set_version, currentPermissionSetVersion: newVersion }, now));
  let queued = 0;
  for (let i = 0; i < events.length; i += 500) queued += await enqueueWebhookEvents(db, events.slice(i, i + 500), { now });
  return queued;
}
