import type { ApiOperation } from "@/lib/api/operations";

/** The webhooks' /api/v1 operations (manage endpoints, list deliveries, redeliver). */
export const WEBHOOK_OPERATIONS: readonly ApiOperation[] = [];
