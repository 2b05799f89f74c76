import "server-only";

import { z } from "zod";

import type { Db } from "@/lib/db/database";
import { timeOrderedId } from "@/lib/db/ids";
import { fromJson, nowIso, toJson } from "@/lib/db/repositories/json";
import type { ConsentEventKind, ConsentEventRow } from "@/lib/db/schema";

export interface ConsentEvent {
  id: string;
  inviteId: string | null;
  /** The tenant the event is about; a claim unless `verified`. */
  tenantId: string | null;
  kind: ConsentEventKind;
  verified: boolean;
  errorCode: string | null;
  errorDescription: string | null;
  traceId: string | null;
  correlationId: string | null;
  details: Record<string, unknown> | null;
  ip: string | null;
  userAgent: string | null;
  createdAt: string;
}

export interface NewConsentEvent {
  inviteId?: string | null;
  tenantId?: string | null;
  kind: ConsentEventKind;
  verified?: boolean;
  errorCode?: string | null;
  errorDescription?: string | null;
  traceId?: string | null;
  correlationId?: string | null;
  details?: Record<string, unknown> | null;
  ip?: string | null;
  userAgent?: string | null;
}

const MAX_TEXT = 2000;
const clip = (value: string | null | undefined) => (value == null ? null : value.slice(0, MAX_TEXT));

function toEvent(row: ConsentEventRow): ConsentEvent {
  return {
    id: row.id,
    inviteId: row.invite_id,
    tenantId: row.tenant_id,
    kind: row.kind,
    verified: row.verified === 1,
    errorCode: row.error_code,
    errorDescription: row.error_description,
    traceId: row.trace_id,
    correlationId: row.correlation_id,
    details: fromJson(row.details, z.record(z.string(), z.unknown()), "consent_events.details"),
    ip: row.ip,
    userAgent: row.user_agent,
    createdAt: row.created_at,
  };
}

/** Appends an event. Text echoed from Microsoft or a browser is clipped, never trusted. */
export async function recordConsentEvent(db: Db, event: NewConsentEvent, now?: Date): Promise<ConsentEvent> {
  const row: ConsentEventRow = {
    id: timeOrderedId(),
    invite_id: event.inviteId ?? null,
    tenant_id: event.tenantId ? event.tenantId.toLowerCase() : null,
    kind: event.kind,
    verified: event.verified ? 1 : 0,
    error_code: clip(event.errorCode),
    error_description: clip(event.errorDescription),
    trace_id: clip(event.traceId),
    correlation_id: clip(event.correlationId),
    details: toJson(event.details),
    ip: clip(event.ip),
    user_agent: clip(event.userAgent),
    created_at: nowIso(now),
  };
  await db.insertInto("consent_events").values(row).execute();
  return toEvent(row);
}

export async function listConsentEvents(
  db: Db,
  filter: { inviteId?: string; tenantId?: string; limit?: number },
): Promise<ConsentEvent[]> {
  let query = db.selectFrom("consent_events").selectAll();
  if (filter.inviteId) query = query.where("invite_id", "=", filter.inviteId);
  if (filter.tenantId) query = query.where("tenant_id", "=", filter.tenantId.toLowerCase());
  const rows = await query
    .orderBy("created_at", "desc")
    .orderBy("id")
    .limit(filter.limit ?? 200)
    .execute();
  return rows.map(toEvent);
}
