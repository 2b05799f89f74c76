import { z } from "zod";

import type { ApiOperation, ApiResponseSpec } from "@/lib/api/operations";
import { MINIMUM_ROLE } from "@/lib/auth/roles";
import {
  createdWebhookSchema,
  createWebhookBodySchema,
  updateWebhookBodySchema,
  webhookDeliveryListSchema,
  webhookDeliveryQuerySchema,
  webhookDeliverySchema,
  webhookEndpointSchema,
  webhookListSchema,
} from "@/lib/webhooks/api";

const endpointParams = z.object({ id: z.string().describe("The webhook endpoint's ID (a UUID).") });
const deliveryParams = z.object({ id: z.string().describe("The delivery's ID (a UUID).") });
const notFound = (what: string): ApiResponseSpec => ({ description: `No such ${what}`, contentType: "application/problem+json" });

/** The webhooks' /api/v1 operations (manage endpoints, list deliveries, redeliver, ping). */
export const WEBHOOK_OPERATIONS: readonly ApiOperation[] = [
  {
    operationId: "listWebhooks",
    method: "get",
    path: "/api/v1/webhooks",
    file: "app/api/v1/webhooks/route.ts",
    summary: "Webhook endpoints, oldest first (never their secrets)",
    role: MINIMUM_ROLE.viewDashboard,
    responses: { "200": { description: "Endpoints", schema: webhookListSchema } },
  },
  {
    operationId: "createWebhook",
    method: "post",
    path: "/api/v1/webhooks",
    file: "app/api/v1/webhooks/route.ts",
    summary: "Register an endpoint for some events; its signing secret is in the answer, once",
    role: MINIMUM_ROLE.manageWebhooks,
    body: createWebhookBodySchema,
    responses: { "201": { description: "The endpoint and its secret", schema: createdWebhookSchema } },
  },
  {
    operationId: "getWebhook",
    method: "get",
    path: "/api/v1/webhooks/{id}",
    file: "app/api/v1/webhooks/[id]/route.ts",
    summary: "One webhook endpoint",
    role: MINIMUM_ROLE.viewDashboard,
    pathParams: endpointParams,
    responses: { "200": { description: "The endpoint", schema: webhookEndpointSchema }, "404": notFound("webhook endpoint") },
  },
  {
    operationId: "updateWebhook",
    method: "patch",
    path: "/api/v1/webhooks/{id}",
    file: "app/api/v1/webhooks/[id]/route.ts",
    summary: "Change an endpoint's events, description, or enable or disable it",
    role: MINIMUM_ROLE.manageWebhooks,
    pathParams: endpointParams,
    body: updateWebhookBodySchema,
    responses: { "200": { description: "The endpoint", schema: webhookEndpointSchema }, "404": notFound("webhook endpoint") },
  },
  {
    operationId: "deleteWebhook",
    method: "delete",
    path: "/api/v1/webhooks/{id}",
    file: "app/api/v1/webhooks/[id]/route.ts",
    summary: "Delete an endpoint and its deliveries",
    role: MINIMUM_ROLE.manageWebhooks,
    pathParams: endpointParams,
    responses: { "204": { description: "Deleted" }, "404": notFound("webhook endpoint") },
  },
  {
    operationId: "listWebhookDeliveries",
    method: "get",
    path: "/api/v1/webhooks/{id}/deliveries",
    file: "app/api/v1/webhooks/[id]/deliveries/route.ts",
    summary: "An endpoint's deliveries, newest first: status, attempts, last status code and response time",
    role: MINIMUM_ROLE.viewDashboard,
    pathParams: endpointParams,
    query: webhookDeliveryQuerySchema,
    responses: { "200": { description: "Deliveries", schema: webhookDeliveryListSchema }, "404": notFound("webhook endpoint") },
  },
  {
    operationId: "pingWebhook",
    method: "post",
    path: "/api/v1/webhooks/{id}/ping",
    file: "app/api/v1/webhooks/[id]/ping/route.ts",
    summary: "Queue a signed webhook.ping to this endpoint (sent within seconds)",
    role: MINIMUM_ROLE.manageWebhooks,
    pathParams: endpointParams,
    responses: { "202": { description: "The queued delivery", schema: webhookDeliverySchema }, "404": notFound("webhook endpoint") },
  },
  {
    operationId: "redeliverWebhookDelivery",
    method: "post",
    path: "/api/v1/webhooks/deliveries/{id}/redeliver",
    file: "app/api/v1/webhooks/deliveries/[id]/redeliver/route.ts",
    summary: "Send a delivery again now (same webhook-id), then on the retry schedule",
    role: MINIMUM_ROLE.manageWebhooks,
    pathParams: deliveryParams,
    responses: { "202": { description: "The queued delivery", schema: webhookDeliverySchema }, "404": notFound("delivery") },
  },
];
