import type { ColumnType, Selectable } from "kysely";

/** Tables of webhook endpoints and their deliveries (migration 6). Portable types, as lib/db/schema.ts explains. */

export const WEBHOOK_FORMATS = ["standard", "teams", "slack"] as const;
export type WebhookFormat = (typeof WEBHOOK_FORMATS)[number];

export const WEBHOOK_DELIVERY_STATUSES = ["pending", "delivered", "failed", "abandoned"] as const;
export type WebhookDeliveryStatus = (typeof WEBHOOK_DELIVERY_STATUSES)[number];

export interface WebhookEndpointsTable {
  id: string;
  url: string;
  description: string;
  /** JSON array of event types this endpoint receives. */
  events: string;
  format: WebhookFormat;
  /** The signing secret, AES-256-GCM encrypted with a key derived from SESSION_PASSWORD; never stored in clear. */
  secret_encrypted: string;
  enabled: ColumnType<number, number | undefined, number>;
  created_by: string;
  created_at: string;
  updated_at: string;
  disabled_at: string | null;
}

/**
 * The outbox: one row per event and endpoint, written in the transaction that made the change,
 * sent later by the delivery worker (which leases rows, so several instances never send one twice).
 */
export interface WebhookDeliveriesTable {
  id: string;
  endpoint_id: string;
  event_type: string;
  /** The Standard Webhooks message id (`webhook-id`); the same for every endpoint and every retry of one event. */
  event_id: string;
  /** The JSON payload `{type, timestamp, data}`, exactly as signed and sent. */
  payload: string;
  status: WebhookDeliveryStatus;
  attempts: ColumnType<number, number | undefined, number>;
  next_attempt_at: string | null;
  lease_owner: string | null;
  lease_expires_at: string | null;
  last_status_code: number | null;
  last_response_ms: number | null;
  last_error: string | null;
  created_at: string;
  delivered_at: string | null;
}

export interface WebhookTables {
  webhook_endpoints: WebhookEndpointsTable;
  webhook_deliveries: WebhookDeliveriesTable;
}

export type WebhookEndpointRow = Selectable<WebhookEndpointsTable>;
export type WebhookDeliveryRow = Selectable<WebhookDeliveriesTable>;
