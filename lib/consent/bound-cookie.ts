import "server-only";

import { z } from "zod";

import type { SealedCookie } from "@/lib/consent/consent-cookie";
import { cookieOptions, seal, unseal } from "@/lib/session/sealed-cookie";

/**
 * The consent attempts whose sign-in happened in this browser. The result page and its
 * status API show a tenant's details only to a browser holding its attempt here: a
 * link to a result page, or a guessed attempt ID, shows a stranger nothing.
 */
export const BOUND_COOKIE = "consentry_bound";
const BOUND_SECONDS = 24 * 3600;
/** A browser keeps its most recent bindings; an MSP technician may onboard several customers in a row. */
const MAX_BINDINGS = 10;

const boundSchema = z.object({ attempts: z.array(z.object({ id: z.string().uuid(), at: z.number() })).max(MAX_BINDINGS) });
type Bound = z.infer<typeof boundSchema>;

async function readBound(value: string | undefined): Promise<Bound> {
  const parsed = boundSchema.safeParse(await unseal<object>(value, BOUND_SECONDS));
  return parsed.success ? parsed.data : { attempts: [] };
}

/** Whether this browser signed in for the attempt. */
export async function isBoundToAttempt(cookieValue: string | undefined, attemptId: string): Promise<boolean> {
  return (await readBound(cookieValue)).attempts.some((a) => a.id === attemptId);
}

/** The cookie with one more binding (the oldest dropped beyond the limit). */
export async function sealBinding(cookieValue: string | undefined, attemptId: string, now = Date.now()): Promise<SealedCookie> {
  const kept = (await readBound(cookieValue)).attempts.filter((a) => a.id !== attemptId && now - a.at < BOUND_SECONDS * 1000);
  const attempts = [...kept, { id: attemptId, at: now }].slice(-MAX_BINDINGS);
  return { name: BOUND_COOKIE, value: await seal({ attempts }, BOUND_SECONDS), options: cookieOptions(BOUND_SECONDS, "/") };
}
