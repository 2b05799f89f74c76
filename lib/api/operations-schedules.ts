import type { ApiOperation } from "@/lib/api/operations";

/** The re-test schedule's /api/v1 operations. */
export const SCHEDULE_OPERATIONS: readonly ApiOperation[] = [];
