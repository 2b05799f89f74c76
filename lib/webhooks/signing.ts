import "server-only";

import { Webhook } from "standardwebhooks";

import type { WebhookFormat } from "@/lib/db/schema-webhooks";
import { describeEvent, type WebhookPayload } from "@/lib/webhooks/events";

export interface DeliveryRequest {
  headers: Record<string, string>;
  body: string;
}

/**
 * The HTTP request of one delivery attempt: the body in the endpoint's format (the event JSON,
 * or `{"text": …}` for Teams and Slack incoming webhooks) and the Standard Webhooks headers —
 * `webhook-signature` is `v1,<base64 HMAC-SHA256 of "<id>.<timestamp>.<body>">`, made by the
 * `standardwebhooks` library that receivers verify with.
 *
 * @see https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md#signature-scheme
 */
export function buildDeliveryRequest(input: { eventId: string; payload: WebhookPayload; format: WebhookFormat; secret: string; signedAt: Date }): DeliveryRequest {
  const body = input.format === "standard" ? JSON.stringify(input.payload) : JSON.stringify({ text: describeEvent(input.payload) });
  const signature = new Webhook(input.secret).sign(input.eventId, input.signedAt, body);
  return {
    body,
    headers: {
      "content-type": "application/json",
      "user-agent": "Consentry-Webhooks/1",
      "webhook-id": input.eventId,
      "webhook-timestamp": String(Math.floor(input.signedAt.getTime() / 1000)),
      "webhook-signature": signature,
    },
  };
}
