import "server-only";

import { z } from "zod";

import type { Db } from "@/lib/db/database";
import { timeOrderedId } from "@/lib/db/ids";
import { fromJson, nowIso, toJson } from "@/lib/db/repositories/json";
import type { AuditRow } from "@/lib/db/schema";

export interface AuditEntry {
  id: string;
  at: string;
  actor: string;
  action: string;
  target: string | null;
  details: Record<string, unknown> | null;
  ip: string | null;
  userAgent: string | null;
}

export interface NewAuditEntry {
  actor: string;
  action: string;
  target?: string | null;
  details?: Record<string, unknown> | null;
  ip?: string | null;
  userAgent?: string | null;
}

function toEntry(row: AuditRow): AuditEntry {
  return {
    id: row.id,
    at: row.at,
    actor: row.actor,
    action: row.action,
    target: row.target,
    details: fromJson(row.details, z.record(z.string(), z.unknown()), "audit_log.details"),
    ip: row.ip,
    userAgent: row.user_agent,
  };
}

/** Appends to the audit log. Callers pass facts, never secrets. */
export async function appendAudit(db: Db, entry: NewAuditEntry, now?: Date): Promise<AuditEntry> {
  const row: AuditRow = {
    id: timeOrderedId(),
    at: nowIso(now),
    actor: entry.actor,
    action: entry.action,
    target: entry.target ?? null,
    details: toJson(entry.details),
    ip: entry.ip ?? null,
    user_agent: entry.userAgent?.slice(0, 500) ?? null,
  };
  await db.insertInto("audit_log").values(row).execute();
  return toEntry(row);
}

/** Newest first; pass the last entry's `at` as `before` for the next page. */
export async function listAudit(db: Db, options: { limit?: number; before?: string; action?: string; actor?: string; target?: string; since?: string } = {}): Promise<AuditEntry[]> {
  let query = db.selectFrom("audit_log").selectAll();
  if (options.before) query = query.where("at", "<", options.before);
  if (options.since) query = query.where("at", ">=", options.since);
  if (options.action) query = query.where("action", "=", options.action);
  if (options.actor) query = query.where("actor", "=", options.actor);
  if (options.target) query = query.where("target", "=", options.target);
  const rows = await query
    .orderBy("at", "desc")
    .orderBy("id", "desc")
    .limit(options.limit ?? 100)
    .execute();
  return rows.map(toEntry);
}
