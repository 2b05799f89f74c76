import "server-only";

import { z } from "zod";

import { getConfig } from "@/lib/config";
import type { Db } from "@/lib/db/database";
import { appendAudit } from "@/lib/db/repositories/audit";
import {
  deleteWebhookEndpoint,
  enqueueWebhookEvents,
  getDelivery,
  getWebhookEndpoint,
  insertWebhookEndpoint,
  listWebhookEndpoints,
  listDeliveries,
  requeueDelivery,
  updateWebhookEndpoint,
  type WebhookDelivery,
  type WebhookEndpoint,
} from "@/lib/db/repositories/webhooks";
import { WEBHOOK_FORMATS } from "@/lib/db/schema-webhooks";
import { AppError } from "@/lib/errors";
import type { Meta } from "@/lib/http/request-meta";
import type { Partner } from "@/lib/session/partner-session";
import { pingEvent, WEBHOOK_EVENT_TYPES } from "@/lib/webhooks/events";
import { encryptWebhookSecret, generateWebhookSecret } from "@/lib/webhooks/secret";

/**
 * Managing webhook endpoints, for the API and the settings page alike: validated with these
 * schemas, each change audited with the caller (a partner's UPN or `api-key:<name>`).
 */

export const webhookUrlSchema = z
  .string()
  .trim()
  .min(1, "is required")
  .max(2000, "must be at most 2000 characters")
  .refine((value) => {
    try {
      const url = new URL(value);
      return (url.protocol === "https:" || url.protocol === "http:") && !url.username && !url.password;
    } catch {
      return false;
    }
  }, "must be an http or https URL without a user name or password");

export const webhookEventsSchema = z.array(z.enum(WEBHOOK_EVENT_TYPES, { error: `must each be one of ${WEBHOOK_EVENT_TYPES.join(", ")}` })).min(1, "must name at least one event");

export const webhookInputSchema = z
  .object({
    url: webhookUrlSchema,
    description: z.string().trim().max(200, "must be at most 200 characters").optional().default(""),
    events: webhookEventsSchema,
    format: z.enum(WEBHOOK_FORMATS, { error: `must be one of ${WEBHOOK_FORMATS.join(", ")}` }).optional().default("standard"),
  })
  .strict();
export type WebhookInput = z.output<typeof webhookInputSchema>;

export const webhookUpdateSchema = z
  .object({ events: webhookEventsSchema.optional(), enabled: z.boolean({ error: "must be true or false" }).optional(), description: z.string().trim().max(200, "must be at most 200 characters").optional() })
  .strict();
export type WebhookUpdate = z.output<typeof webhookUpdateSchema>;

function sessionPassword(): string {
  return getConfig().sessionPassword;
}

/** Creates an endpoint; its signing secret is in the answer once and stored only encrypted. */
export async function createWebhookEndpoint(db: Db, caller: Partner, input: WebhookInput, meta: Meta): Promise<{ endpoint: WebhookEndpoint; secret: string }> {
  const secret = generateWebhookSecret();
  const endpoint = await db.transaction().execute(async (trx) => {
    const created = await insertWebhookEndpoint(trx, { url: input.url, description: input.description, events: input.events, format: input.format, secretEncrypted: encryptWebhookSecret(secret, sessionPassword()), createdBy: caller.username });
    await appendAudit(trx, { actor: caller.username, action: "webhook.created", target: created.id, details: { url: created.url, events: created.events, format: created.format }, ...meta });
    return created;
  });
  return { endpoint, secret };
}

export async function getWebhookEndpointOrThrow(db: Db, id: string): Promise<WebhookEndpoint> {
  const endpoint = await getWebhookEndpoint(db, id);
  if (!endpoint) throw new AppError("webhook_not_found", "No webhook endpoint has this ID.");
  return endpoint;
}

export async function changeWebhookEndpoint(db: Db, caller: Partner, id: string, changes: WebhookUpdate, meta: Meta): Promise<WebhookEndpoint> {
  return db.transaction().execute(async (trx) => {
    const updated = await updateWebhookEndpoint(trx, id, changes);
    if (!updated) throw new AppError("webhook_not_found", "No webhook endpoint has this ID.");
    await appendAudit(trx, { actor: caller.username, action: "webhook.updated", target: id, details: { ...changes }, ...meta });
    return updated;
  });
}

export async function removeWebhookEndpoint(db: Db, caller: Partner, id: string, meta: Meta): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const endpoint = await getWebhookEndpoint(trx, id);
    if (!endpoint || !(await deleteWebhookEndpoint(trx, id))) throw new AppError("webhook_not_found", "No webhook endpoint has this ID.");
    await appendAudit(trx, { actor: caller.username, action: "webhook.deleted", target: id, details: { url: endpoint.url }, ...meta });
  });
}

export async function listEndpointDeliveries(db: Db, id: string, limit = 50): Promise<WebhookDelivery[]> {
  await getWebhookEndpointOrThrow(db, id);
  return listDeliveries(db, id, { limit });
}

/** Sends a delivery again (now, then on the retry schedule), whatever its state. */
export async function redeliverWebhook(db: Db, caller: Partner, deliveryId: string, meta: Meta): Promise<WebhookDelivery> {
  return db.transaction().execute(async (trx) => {
    if (!(await getDelivery(trx, deliveryId))) throw new AppError("delivery_not_found", "No webhook delivery has this ID.");
    const delivery = (await requeueDelivery(trx, deliveryId))!;
    await appendAudit(trx, { actor: caller.username, action: "webhook.redelivered", target: delivery.endpointId, details: { deliveryId, eventId: delivery.eventId, eventType: delivery.eventType }, ...meta });
    return delivery;
  });
}

/** Queues a `webhook.ping` to one endpoint (sent by the worker within seconds). */
export async function pingWebhookEndpoint(db: Db, caller: Partner, id: string, meta: Meta): Promise<WebhookDelivery> {
  return db.transaction().execute(async (trx) => {
    await getWebhookEndpointOrThrow(trx, id);
    const event = pingEvent(id);
    await enqueueWebhookEvents(trx, [event], { onlyEndpointId: id });
    await appendAudit(trx, { actor: caller.username, action: "webhook.pinged", target: id, details: { eventId: event.id }, ...meta });
    const [delivery] = await listDeliveries(trx, id, { limit: 1 });
    return delivery!;
  });
}

export interface WebhookSettingsView {
  endpoints: (WebhookEndpoint & { recentDeliveries: WebhookDelivery[] })[];
}

/** What /dashboard/settings/webhooks shows: every endpoint with its latest deliveries. */
export async function getWebhookSettingsView(db: Db, deliveriesPerEndpoint = 10): Promise<WebhookSettingsView> {
  const endpoints = await listWebhookEndpoints(db);
  return { endpoints: await Promise.all(endpoints.map(async (e) => ({ ...e, recentDeliveries: await listDeliveries(db, e.id, { limit: deliveriesPerEndpoint }) }))) };
}

/** The settings page's create form: the same rules as the API, from form fields (events as checkboxes). */
export const webhookFormSchema = z.object({
  url: webhookUrlSchema,
  description: z.string().trim().max(200, "must be at most 200 characters"),
  events: webhookEventsSchema,
  format: z.enum(WEBHOOK_FORMATS, { error: `must be one of ${WEBHOOK_FORMATS.join(", ")}` }),
});
