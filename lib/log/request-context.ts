import "server-only";

import { AsyncLocalStorage } from "node:async_hooks";

import { newRequestId, REQUEST_ID_HEADER, requestIdOrNew } from "@/lib/log/request-id";

/**
 * The request (or background run) a piece of work belongs to. Set where work starts — the
 * route handler wrappers, the server actions that start probes, the consent callbacks, each
 * background pass — and read where it is needed: the logger adds `requestId` to every line,
 * and the HTTP client sends it to Microsoft as `client-request-id`, without a parameter
 * threaded through every call. Work started inside (a bulk run, a verification) keeps it.
 */
export interface RequestContext {
  requestId: string;
}

// One store per process: Next may load this module more than once (route bundles, instrumentation).
const storage = ((globalThis as unknown as { consentryRequestContext?: AsyncLocalStorage<RequestContext> }).consentryRequestContext ??=
  new AsyncLocalStorage<RequestContext>());

/** Runs `fn` as part of the request (or run) with this ID. */
export function runWithRequestId<T>(requestId: string, fn: () => T): T {
  return storage.run({ requestId }, fn);
}

/** The current request's ID, or undefined outside any request or run. */
export function currentRequestId(): string | undefined {
  return storage.getStore()?.requestId;
}

/**
 * Runs background work (a resumed bulk run, a schedule tick, a webhook pass) under its own new ID,
 * unless it was started from a request, whose ID it then keeps.
 */
export function runAsBackgroundWork<T>(fn: () => T): T {
  return currentRequestId() === undefined ? runWithRequestId(newRequestId(), fn) : fn();
}

/** The ID proxy.ts gave this request (or a new one when the request did not pass through it, as in tests). */
export function requestIdFromHeaders(headers: Pick<Headers, "get">): string {
  return requestIdOrNew(headers.get(REQUEST_ID_HEADER));
}

/** Route handlers: runs the handler under the request's ID. */
export function withRequestId<A extends [{ headers: Pick<Headers, "get"> }, ...unknown[]], R>(handler: (...args: A) => Promise<R>): (...args: A) => Promise<R> {
  return (...args: A) => runWithRequestId(requestIdFromHeaders(args[0].headers), () => handler(...args));
}

/** Server actions and pages: runs `fn` under the ID of the request being served (from `headers()`). */
export async function inRequestContext<T>(fn: () => Promise<T>): Promise<T> {
  const { headers } = await import("next/headers");
  return runWithRequestId(requestIdFromHeaders(await headers()), fn);
}
