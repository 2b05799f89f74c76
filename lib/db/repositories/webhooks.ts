import "server-only";

import { randomUUID } from "node:crypto";
import { PostgresAdapter, sql } from "kysely";
import { z } from "zod";

import type { Db } from "@/lib/db/database";
import { timeOrderedId } from "@/lib/db/ids";
import { fromJson, nowIso } from "@/lib/db/repositories/json";
import type { WebhookDeliveryRow, WebhookDeliveryStatus, WebhookEndpointRow, WebhookFormat } from "@/lib/db/schema-webhooks";
import { payloadOf, webhookPayloadSchema, type WebhookEvent, type WebhookPayload } from "@/lib/webhooks/events";

export interface WebhookEndpoint {
  id: string;
  url: string;
  description: string;
  events: string[];
  format: WebhookFormat;
  enabled: boolean;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
  disabledAt: string | null;
}

export interface WebhookDelivery {
  id: string;
  endpointId: string;
  eventType: string;
  eventId: string;
  payload: WebhookPayload;
  status: WebhookDeliveryStatus;
  attempts: number;
  nextAttemptAt: string | null;
  lastStatusCode: number | null;
  lastResponseMs: number | null;
  lastError: string | null;
  createdAt: string;
  deliveredAt: string | null;
}

/** A claimed delivery with what the worker needs to send it (the secret still encrypted). */
export interface ClaimedDelivery extends WebhookDelivery {
  url: string;
  format: WebhookFormat;
  secretEncrypted: string;
}

function isPostgres(db: Db): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

function toEndpoint(row: WebhookEndpointRow): WebhookEndpoint {
  return {
    id: row.id,
    url: row.url,
    description: row.description,
    events: fromJson(row.events, z.array(z.string()), "webhook_endpoints.events") ?? [],
    format: row.format,
    enabled: row.enabled === 1,
    createdBy: row.created_by,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    disabledAt: row.disabled_at,
  };
}

function toDelivery(row: WebhookDeliveryRow): WebhookDelivery {
  return {
    id: row.id,
    endpointId: row.endpoint_id,
    eventType: row.event_type,
    eventId: row.event_id,
    payload: fromJson(row.payload, webhookPayloadSchema, "webhook_deliveries.payload")!,
    status: row.status,
    attempts: row.attempts,
    nextAttemptAt: row.next_attempt_at,
    lastStatusCode: row.last_status_code,
    lastResponseMs: row.last_response_ms,
    lastError: row.last_error,
    createdAt: row.created_at,
    deliveredAt: row.delivered_at,
  };
}

export interface NewWebhookEndpoint {
  url: string;
  description: string;
  events: string[];
  format: WebhookFormat;
  secretEncrypted: string;
  createdBy: string;
}

export async function insertWebhookEndpoint(db: Db, input: NewWebhookEndpoint, now: Date = new Date()): Promise<WebhookEndpoint> {
  const row: WebhookEndpointRow = {
    id: randomUUID(),
    url: input.url,
    description: input.description,
    events: JSON.stringify([...new Set(input.events)].sort()),
    format: input.format,
    secret_encrypted: input.secretEncrypted,
    enabled: 1,
    created_by: input.createdBy,
    created_at: nowIso(now),
    updated_at: nowIso(now),
    disabled_at: null,
  };
  await db.insertInto("webhook_endpoints").values(row).execute();
  return toEndpoint(row);
}

export async function listWebhookEndpoints(db: Db): Promise<WebhookEndpoint[]> {
  const rows = await db.selectFrom("webhook_endpoints").selectAll().orderBy("created_at").orderBy("id").execute();
  return rows.map(toEndpoint);
}

export async function getWebhookEndpoint(db: Db, id: string): Promise<WebhookEndpoint | null> {
  const row = await db.selectFrom("webhook_endpoints").selectAll().where("id", "=", id).executeTakeFirst();
  return row ? toEndpoint(row) : null;
}

export async function updateWebhookEndpoint(db: Db, id: string, changes: { events?: string[]; enabled?: boolean; description?: string }, now: Date = new Date()): Promise<WebhookEndpoint | null> {
  const current = await getWebhookEndpoint(db, id);
  if (!current) return null;
  await db
    .updateTable("webhook_endpoints")
    .set({
      updated_at: nowIso(now),
      ...(changes.events ? { events: JSON.stringify([...new Set(changes.events)].sort()) } : {}),
      ...(changes.description !== undefined ? { description: changes.description } : {}),
      ...(changes.enabled !== undefined && changes.enabled !== current.enabled ? { enabled: changes.enabled ? 1 : 0, disabled_at: changes.enabled ? null : nowIso(now) } : {}),
    })
    .where("id", "=", id)
    .execute();
  return getWebhookEndpoint(db, id);
}

/** Deletes an endpoint and (cascading) its deliveries. */
export async function deleteWebhookEndpoint(db: Db, id: string): Promise<boolean> {
  await db.deleteFrom("webhook_deliveries").where("endpoint_id", "=", id).execute();
  const result = await db.deleteFrom("webhook_endpoints").where("id", "=", id).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/** The enabled endpoints that receive any of `types`, with the types each takes. */
export async function listSubscribedEndpoints(db: Db, types: readonly string[]): Promise<{ id: string; events: string[] }[]> {
  const rows = await db.selectFrom("webhook_endpoints").select(["id", "events"]).where("enabled", "=", 1).execute();
  return rows
    .map((r) => ({ id: r.id, events: fromJson(r.events, z.array(z.string()), "webhook_endpoints.events") ?? [] }))
    .filter((r) => r.events.some((e) => types.includes(e)));
}

/**
 * Writes one pending delivery per enabled endpoint that takes the event's type (or for
 * `onlyEndpointId`, whatever its events: a test ping). Call it inside the transaction that made
 * the change (an outbox): nothing is sent here. An event id already delivered to an endpoint
 * is not queued twice. Returns the deliveries queued.
 */
export async function enqueueWebhookEvents(db: Db, events: WebhookEvent[], options: { onlyEndpointId?: string; now?: Date } = {}): Promise<number> {
  if (events.length === 0) return 0;
  const endpoints = options.onlyEndpointId
    ? (await db.selectFrom("webhook_endpoints").select("id").where("id", "=", options.onlyEndpointId).execute()).map((r) => ({ id: r.id, events: events.map((e) => e.type) }))
    : await listSubscribedEndpoints(db, events.map((e) => e.type));
  const at = nowIso(options.now);
  const rows = endpoints.flatMap((endpoint) =>
    events
      .filter((e) => endpoint.events.includes(e.type))
      .map((e) => ({
        id: timeOrderedId(),
        endpoint_id: endpoint.id,
        event_type: e.type,
        event_id: e.id,
        payload: JSON.stringify(payloadOf(e)),
        status: "pending" as const,
        attempts: 0,
        next_attempt_at: at,
        created_at: at,
      })),
  );
  let queued = 0;
  for (let i = 0; i < rows.length; i += 200) {
    const result = await db
      .insertInto("webhook_deliveries")
      .values(rows.slice(i, i + 200))
      .onConflict((oc) => oc.columns(["endpoint_id", "event_id"]).doNothing())
      .executeTakeFirst();
    queued += Number(result.numInsertedOrUpdatedRows ?? 0);
  }
  return queued;
}

/**
 * Leases up to `limit` due deliveries of enabled endpoints (pending, or failed and due for a
 * retry, not leased by a live worker). One UPDATE picks and marks them; on PostgreSQL the
 * candidates are locked FOR UPDATE SKIP LOCKED, so several instances never claim one delivery.
 */
export async function claimDueDeliveries(db: Db, owner: string, limit: number, leaseSeconds: number, now: Date = new Date()): Promise<ClaimedDelivery[]> {
  if (limit <= 0) return [];
  const at = nowIso(now);
  const expires = nowIso(new Date(now.getTime() + leaseSeconds * 1000));
  const lock = isPostgres(db) ? sql`for update of d skip locked` : sql``;
  const claimed = await sql<{ id: string }>`
    update webhook_deliveries
       set lease_owner = ${owner}, lease_expires_at = ${expires}
     where id in (
       select d.id from webhook_deliveries d
         join webhook_endpoints e on e.id = d.endpoint_id
        where d.status in ('pending', 'failed')
          and d.next_attempt_at <= ${at}
          and (d.lease_expires_at is null or d.lease_expires_at < ${at})
          and e.enabled = 1
        order by d.next_attempt_at, d.id
        limit ${limit}
        ${lock})
    returning id`.execute(db);
  const ids = claimed.rows.map((r) => r.id);
  if (ids.length === 0) return [];
  const rows = await db
    .selectFrom("webhook_deliveries as d")
    .innerJoin("webhook_endpoints as e", "e.id", "d.endpoint_id")
    .selectAll("d")
    .select(["e.url", "e.format", "e.secret_encrypted"])
    .where("d.id", "in", ids)
    .where("d.lease_owner", "=", owner)
    .execute();
  return rows.map((row) => ({ ...toDelivery(row), url: row.url, format: row.format, secretEncrypted: row.secret_encrypted }));
}

export interface AttemptResult {
  status: Exclude<WebhookDeliveryStatus, "pending">;
  statusCode: number | null;
  responseMs: number | null;
  error: string | null;
  nextAttemptAt: Date | null;
}

/** Records one attempt and releases the lease; only the lease holder can. False when the lease was lost. */
export async function recordDeliveryAttempt(db: Db, id: string, owner: string, result: AttemptResult, now: Date = new Date()): Promise<boolean> {
  const updated = await db
    .updateTable("webhook_deliveries")
    .set((eb) => ({
      status: result.status,
      attempts: eb("attempts", "+", 1),
      next_attempt_at: result.nextAttemptAt ? nowIso(result.nextAttemptAt) : null,
      last_status_code: result.statusCode,
      last_response_ms: result.responseMs === null ? null : Math.round(result.responseMs),
      last_error: result.error?.slice(0, 1000) ?? null,
      delivered_at: result.status === "delivered" ? nowIso(now) : null,
      lease_owner: null,
      lease_expires_at: null,
    }))
    .where("id", "=", id)
    .where("lease_owner", "=", owner)
    .executeTakeFirst();
  return Number(updated.numUpdatedRows) > 0;
}

export async function listDeliveries(db: Db, endpointId: string, options: { limit?: number } = {}): Promise<WebhookDelivery[]> {
  const rows = await db
    .selectFrom("webhook_deliveries")
    .selectAll()
    .where("endpoint_id", "=", endpointId)
    .orderBy("created_at", "desc")
    .orderBy("id", "desc")
    .limit(options.limit ?? 50)
    .execute();
  return rows.map(toDelivery);
}

export async function getDelivery(db: Db, id: string): Promise<WebhookDelivery | null> {
  const row = await db.selectFrom("webhook_deliveries").selectAll().where("id", "=", id).executeTakeFirst();
  return row ? toDelivery(row) : null;
}

/** Queues a delivery again now, whatever its state, with a fresh retry schedule (same event id, so receivers can deduplicate). */
export async function requeueDelivery(db: Db, id: string, now: Date = new Date()): Promise<WebhookDelivery | null> {
  await db
    .updateTable("webhook_deliveries")
    .set({ status: "pending", attempts: 0, next_attempt_at: nowIso(now), lease_owner: null, lease_expires_at: null, delivered_at: null })
    .where("id", "=", id)
    .execute();
  return getDelivery(db, id);
}
