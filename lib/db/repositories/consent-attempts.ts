import "server-only";

import { randomUUID } from "node:crypto";
import { z } from "zod";

import type { Db } from "@/lib/db/database";
import { fromJson, nowIso } from "@/lib/db/repositories/json";
import type { ConsentAttemptRow, ConsentAttemptStatus } from "@/lib/db/schema";
import { isGuid } from "@/lib/identity/tenant-id";

export interface ConsentAttempt {
  id: string;
  inviteId: string | null;
  tenantClaim: string;
  status: ConsentAttemptStatus;
  tries: number;
  lastErrorCode: string | null;
  lastError: string | null;
  roles: string[] | null;
  startedAt: string;
  deadlineAt: string;
  finishedAt: string | null;
  /** The user whose sign-in in the consenting browser bound this attempt to its tenant (null only for attempts from before binding existed). */
  signedIn: SignedInCustomer | null;
}

export interface SignedInCustomer {
  oid: string;
  name: string;
  upn: string;
}

function toAttempt(row: ConsentAttemptRow): ConsentAttempt {
  return {
    id: row.id,
    inviteId: row.invite_id,
    tenantClaim: row.tenant_claim,
    status: row.status,
    tries: row.tries,
    lastErrorCode: row.last_error_code,
    lastError: row.last_error,
    roles: fromJson(row.roles, z.array(z.string()), "consent_attempts.roles"),
    startedAt: row.started_at,
    deadlineAt: row.deadline_at,
    finishedAt: row.finished_at,
    signedIn: row.signed_in_oid ? { oid: row.signed_in_oid, name: row.signed_in_name ?? "", upn: row.signed_in_upn ?? "" } : null,
  };
}

/**
 * Records a callback whose state matched. The state's hash is unique, so a state can
 * start at most one attempt: a replay returns null.
 */
export async function insertConsentAttempt(
  db: Db,
  input: { inviteId: string | null; stateHash: string; tenantClaim: string; deadline: Date; signedIn: SignedInCustomer; ip: string | null; userAgent: string | null },
  now: Date = new Date(),
): Promise<ConsentAttempt | null> {
  const row: ConsentAttemptRow = {
    id: randomUUID(),
    invite_id: input.inviteId,
    state_hash: input.stateHash,
    tenant_claim: input.tenantClaim.toLowerCase(),
    status: "verifying",
    tries: 0,
    last_error_code: null,
    last_error: null,
    roles: null,
    started_at: nowIso(now),
    deadline_at: nowIso(input.deadline),
    finished_at: null,
    ip: input.ip?.slice(0, 100) ?? null,
    user_agent: input.userAgent?.slice(0, 300) ?? null,
    signed_in_oid: input.signedIn.oid,
    signed_in_name: input.signedIn.name.slice(0, 200),
    signed_in_upn: input.signedIn.upn.slice(0, 300),
  };
  const result = await db
    .insertInto("consent_attempts")
    .values(row)
    .onConflict((oc) => oc.column("state_hash").doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0 ? toAttempt(row) : null;
}

export async function getConsentAttempt(db: Db, id: string): Promise<ConsentAttempt | null> {
  if (!isGuid(id)) return null;
  const row = await db.selectFrom("consent_attempts").selectAll().where("id", "=", id).executeTakeFirst();
  return row ? toAttempt(row) : null;
}

export async function recordAttemptTry(db: Db, id: string, error: { code: string; message: string } | null): Promise<void> {
  await db
    .updateTable("consent_attempts")
    .set((eb) => ({ tries: eb("tries", "+", 1), last_error_code: error?.code ?? null, last_error: error?.message.slice(0, 2000) ?? null }))
    .where("id", "=", id)
    .execute();
}

/** Closes a verifying attempt; a second finish is ignored (first result wins). */
export async function finishConsentAttempt(
  db: Db,
  id: string,
  outcome: { status: Exclude<ConsentAttemptStatus, "verifying">; roles?: string[]; errorCode?: string; error?: string },
  now: Date = new Date(),
): Promise<boolean> {
  const result = await db
    .updateTable("consent_attempts")
    .set({
      status: outcome.status,
      roles: outcome.roles ? JSON.stringify(outcome.roles) : null,
      last_error_code: outcome.errorCode ?? null,
      last_error: outcome.error?.slice(0, 2000) ?? null,
      finished_at: nowIso(now),
    })
    .where("id", "=", id)
    .where("status", "=", "verifying")
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Bound attempts still proving their consent (resumed at start-up). */
export async function listVerifyingAttemptIds(db: Db, limit = 1000): Promise<string[]> {
  const rows = await db
    .selectFrom("consent_attempts")
    .select("id")
    .where("status", "=", "verifying")
    .where("signed_in_oid", "is not", null)
    .orderBy("started_at")
    .limit(limit)
    .execute();
  return rows.map((r) => r.id);
}

/** How many attempts of an invite are proving their consent right now. */
export async function countVerifyingAttempts(db: Db, inviteId: string): Promise<number> {
  const row = await db
    .selectFrom("consent_attempts")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("invite_id", "=", inviteId)
    .where("status", "=", "verifying")
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
