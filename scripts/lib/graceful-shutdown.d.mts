/** Types of graceful-shutdown.mjs, for scripts/start.ts, lib/health and the tests. */
import type { Server } from "node:http";

export const SHUTTING_DOWN: unique symbol;
export const SHUTDOWN_HOOK: unique symbol;
export const DEFAULT_SHUTDOWN_TIMEOUT_MS: number;
export const REPEAT_WINDOW_MS: number;
export function parseShutdownTimeout(raw: string | undefined): number | string;
export function installGracefulShutdown(options: { server: Server; timeoutMs: number; closeApp?: () => Promise<void>; exit?: (code: number) => void }): void;
export const SERVER_LOGGER: unique symbol;
export function serverLog(level: "info" | "warn" | "error", message: string, fields?: Record<string, unknown>): void;
