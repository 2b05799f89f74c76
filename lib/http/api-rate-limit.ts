import "server-only";

import type { Pool } from "pg";
import { RateLimiterMemory, RateLimiterPostgres, RateLimiterRes, type RateLimiterAbstract } from "rate-limiter-flexible";

import { getDatabase } from "@/lib/db/database";
import { AppError } from "@/lib/errors";

/**
 * Requests per API key: far above what a sync job needs (a page of 100 tenants a second), far
 * below what would crowd out the dashboard. On PostgreSQL the counters live in the shared
 * database (rate-limiter-flexible's PostgreSQL store, table `consentry_rate_limits`), so the limit
 * holds across instances; on SQLite (one process) in memory.
 * @see https://github.com/animir/node-rate-limiter-flexible/wiki/PostgreSQL
 */
export const API_KEY_LIMIT = { points: 600, seconds: 60 };

/** The per-key limiter for a database: PostgreSQL's shared store, or memory when there is no pool (SQLite). */
export function createApiKeyLimiter(pgPool: Pool | null, limit: { points: number; seconds: number } = API_KEY_LIMIT): Promise<RateLimiterAbstract> {
  const options = { keyPrefix: "api_key", points: limit.points, duration: limit.seconds };
  if (!pgPool) return Promise.resolve(new RateLimiterMemory(options));
  // The table comes from migration 5, so the store never creates it itself (tableCreated); expired
  // counters are deleted every few minutes (an unref'd timer).
  return Promise.resolve(new RateLimiterPostgres({ ...options, storeClient: pgPool, storeType: "pool", tableName: "consentry_rate_limits", tableCreated: true, clearExpiredByTimeout: true }));
}

let limiter: Promise<RateLimiterAbstract> | null = null;

function apiKeyLimiter(): Promise<RateLimiterAbstract> {
  limiter ??= getDatabase().then(({ pgPool }) => createApiKeyLimiter(pgPool));
  limiter.catch(() => (limiter = null));
  return limiter;
}

/** Counts one request of a key; past the limit an AppError 429 whose cause carries Retry-After. */
export async function consumeApiKeyRequest(keyId: string): Promise<void> {
  try {
    await (await apiKeyLimiter()).consume(keyId);
  } catch (error) {
    if (!(error instanceof RateLimiterRes)) throw error;
    const retryAfter = Math.max(1, Math.ceil(error.msBeforeNext / 1000));
    throw new AppError("rate_limited", `This API key sent more than ${API_KEY_LIMIT.points} requests in ${API_KEY_LIMIT.seconds} seconds; try again in ${retryAfter} s.`, { cause: { retryAfter } });
  }
}
