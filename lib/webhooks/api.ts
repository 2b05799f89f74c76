import "server-only";

import { z } from "zod";

import type { Db } from "@/lib/db/database";
import { listWebhookEndpoints, type WebhookDelivery, type WebhookEndpoint } from "@/lib/db/repositories/webhooks";
import { WEBHOOK_DELIVERY_STATUSES, WEBHOOK_FORMATS } from "@/lib/db/schema-webhooks";
import type { Meta } from "@/lib/http/request-meta";
import type { Partner } from "@/lib/session/partner-session";
import {
  changeWebhookEndpoint,
  createWebhookEndpoint,
  getWebhookEndpointOrThrow,
  listEndpointDeliveries,
  pingWebhookEndpoint,
  redeliverWebhook,
  removeWebhookEndpoint,
  webhookInputSchema,
  webhookUpdateSchema,
} from "@/lib/webhooks/manage";

/** The /api/v1/webhooks operations: bodies validated with the schemas the OpenAPI document shows. */

export const webhookEndpointSchema = z.object({
  id: z.string(),
  url: z.string(),
  description: z.string(),
  events: z.array(z.string()),
  format: z.enum(WEBHOOK_FORMATS),
  enabled: z.boolean(),
  createdBy: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  disabledAt: z.string().nullable(),
}) satisfies z.ZodType<WebhookEndpoint>;

export const createdWebhookSchema = z.object({
  endpoint: webhookEndpointSchema,
  secret: z.string().describe("The signing secret (whsec_…); shown once, verify deliveries with it."),
});
export const webhookListSchema = z.object({ items: z.array(webhookEndpointSchema) });

export const webhookDeliverySchema = z.object({
  id: z.string(),
  endpointId: z.string(),
  eventType: z.string(),
  eventId: z.string().describe("The webhook-id header: the same for every attempt of one event."),
  payload: z.object({ type: z.string(), timestamp: z.string(), data: z.record(z.string(), z.unknown()) }),
  status: z.enum(WEBHOOK_DELIVERY_STATUSES),
  attempts: z.number().int(),
  nextAttemptAt: z.string().nullable(),
  lastStatusCode: z.number().int().nullable(),
  lastResponseMs: z.number().int().nullable(),
  lastError: z.string().nullable(),
  createdAt: z.string(),
  deliveredAt: z.string().nullable(),
}) satisfies z.ZodType<WebhookDelivery>;
export const webhookDeliveryListSchema = z.object({ items: z.array(webhookDeliverySchema) });
export const webhookDeliveryQuerySchema = z
  .object({ limit: z.coerce.number({ error: "must be a number from 1 to 200" }).int().min(1, "must be a number from 1 to 200").max(200, "must be a number from 1 to 200").default(50) })
  .strict();

export const createWebhookBodySchema = webhookInputSchema;
export const updateWebhookBodySchema = webhookUpdateSchema;

export async function listWebhooksForApi(db: Db): Promise<{ items: WebhookEndpoint[] }> {
  return { items: await listWebhookEndpoints(db) };
}

export async function createWebhookForApi(db: Db, caller: Partner, body: unknown, meta: Meta) {
  return createWebhookEndpoint(db, caller, createWebhookBodySchema.parse(body), meta);
}

export async function getWebhookForApi(db: Db, id: string): Promise<WebhookEndpoint> {
  return getWebhookEndpointOrThrow(db, id);
}

export async function updateWebhookForApi(db: Db, caller: Partner, id: string, body: unknown, meta: Meta): Promise<WebhookEndpoint> {
  return changeWebhookEndpoint(db, caller, id, updateWebhookBodySchema.parse(body), meta);
}

export async function deleteWebhookForApi(db: Db, caller: Partner, id: string, meta: Meta): Promise<Response> {
  await removeWebhookEndpoint(db, caller, id, meta);
  return new Response(null, { status: 204, headers: { "cache-control": "no-store" } });
}

export async function listWebhookDeliveriesForApi(db: Db, id: string, query: z.output<typeof webhookDeliveryQuerySchema>): Promise<{ items: WebhookDelivery[] }> {
  return { items: await listEndpointDeliveries(db, id, query.limit) };
}

export async function redeliverForApi(db: Db, caller: Partner, deliveryId: string, meta: Meta): Promise<Response> {
  return Response.json(await redeliverWebhook(db, caller, deliveryId, meta), { status: 202, headers: { "cache-control": "no-store" } });
}

export async function pingWebhookForApi(db: Db, caller: Partner, id: string, meta: Meta): Promise<Response> {
  return Response.json(await pingWebhookEndpoint(db, caller, id, meta), { status: 202, headers: { "cache-control": "no-store" } });
}
