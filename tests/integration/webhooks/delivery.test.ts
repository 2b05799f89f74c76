import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";

import { getDelivery, listDeliveries, enqueueWebhookEvents, type WebhookEndpoint } from "@/lib/db/repositories/webhooks";
import { MAX_ATTEMPTS } from "@/lib/webhooks/backoff";
import { deliverDueWebhooks, type DeliveryDeps } from "@/lib/webhooks/delivery-worker";
import { bulkRunFinishedEvent, tenantRegressedEvent } from "@/lib/webhooks/events";
import { changeWebhookEndpoint, createWebhookEndpoint, redeliverWebhook } from "@/lib/webhooks/manage";
import type { Partner } from "@/lib/session/partner-session";
import { createTestDatabase, type TestDatabase } from "../../support/databases";
import { configurePortalEnv } from "../../support/portal-env";
import { startReceiver } from "./receiver";

const admin: Partner = { oid: "00000000-0000-4000-8000-00000000a11d", tenantId: "8d2f6a41-3c7e-4b90-a1d5-6e9f0b2c4d71", username: "admin@partner.example", name: "Admin", role: "admin", signedInAt: 0, lastSeenAt: 0, sessionVersion: 1 };
const meta = { ip: null, userAgent: null };

let database: TestDatabase;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let secret = "";
let endpoint: WebhookEndpoint;
/** What the receiver answers next, in order; 200 once they run out. */
let answers: number[] = [];
let clock = new Date();
const lines: Record<string, unknown>[] = [];
const deps: Partial<DeliveryDeps> = { now: () => clock, random: () => 0, log: (line) => void lines.push(line) };

const regressed = (n = 1) => tenantRegressedEvent({ tenantId: "2f6b8c1d-4e3a-4f5b-9c7d-1a2b3c4d5e01", displayName: "Fabrikam", probeRunId: `run-${n}`, previousProbeRunId: "run-0", regressed: [{ probe: "mail", permission: "Mail.Read", errorCode: "ErrorAccessDenied", finding: "permission_not_granted" }], findings: ["permission_not_granted"] });

beforeAll(async () => {
  configurePortalEnv();
  database = await createTestDatabase("sqlite");
  receiver = await startReceiver(
    () => secret,
    (request, res) => {
      if (request.path === "/moved") return void res.writeHead(302, { location: "/elsewhere" }).end();
      res.writeHead(answers.shift() ?? 200).end("ok");
    },
  );
  const created = await createWebhookEndpoint(database.db, admin, { url: `${receiver.url}/hook`, description: "ticketing", events: ["tenant.regressed", "bulk_run.finished"], format: "standard" }, meta);
  endpoint = created.endpoint;
  secret = created.secret;
});
afterAll(async () => {
  await receiver?.close();
  await database?.dispose();
});
beforeEach(async () => {
  receiver.received.length = 0;
  answers = [];
  clock = new Date();
  await database.db.deleteFrom("webhook_deliveries").execute();
});

describe("webhook delivery to a real receiver on loopback", () => {
  it("never stores the signing secret in clear (database file and its WAL)", () => {
    expect(secret).toMatch(/^whsec_/);
    const dir = path.dirname(database.url.replace(/^file:/, ""));
    const files = readdirSync(dir).map((f) => readFileSync(path.join(dir, f)));
    expect(files.length).toBeGreaterThan(0);
    for (const bytes of files) {
      expect(bytes.includes(Buffer.from(secret))).toBe(false);
      expect(bytes.includes(Buffer.from(secret.slice("whsec_".length)))).toBe(false);
      expect(bytes.includes(Buffer.from(secret.slice("whsec_".length), "base64"))).toBe(false);
    }
  });

  it("delivers a signed event the receiver verifies, and logs status and time", async () => {
    const event = regressed();
    expect(await enqueueWebhookEvents(database.db, [event], { now: clock })).toBe(1);
    expect(await deliverDueWebhooks(database.db, { deps })).toBe(1);
    expect(receiver.received).toHaveLength(1);
    const [request] = receiver.received;
    expect(request!.headers["webhook-id"]).toBe(event.id);
    expect(request!.verified).toEqual({ type: "tenant.regressed", timestamp: event.timestamp, data: expect.objectContaining({ tenantId: "2f6b8c1d-4e3a-4f5b-9c7d-1a2b3c4d5e01", displayName: "Fabrikam", findings: ["permission_not_granted"] }) });
    const [delivery] = await listDeliveries(database.db, endpoint.id);
    expect(delivery).toMatchObject({ status: "delivered", attempts: 1, lastStatusCode: 200, lastError: null, nextAttemptAt: null, deliveredAt: expect.any(String) });
    expect(delivery!.lastResponseMs).toBeGreaterThanOrEqual(0);
    expect(lines.at(-1)).toMatchObject({ msg: "webhook delivery attempt", status: "delivered", statusCode: 200, responseMs: expect.any(Number) });
  });

  it("retries after a 500 with backoff, then delivers (no wall-clock wait)", async () => {
    answers = [500];
    await enqueueWebhookEvents(database.db, [regressed()], { now: clock });
    await deliverDueWebhooks(database.db, { deps });
    const [failed] = await listDeliveries(database.db, endpoint.id);
    expect(failed).toMatchObject({ status: "failed", attempts: 1, lastStatusCode: 500, lastError: "HTTP 500" });
    expect(new Date(failed!.nextAttemptAt!).getTime() - clock.getTime()).toBe(5_000);
    expect(await deliverDueWebhooks(database.db, { deps })).toBe(0); // not due yet
    clock = new Date(clock.getTime() + 5_000);
    expect(await deliverDueWebhooks(database.db, { deps })).toBe(1);
    expect(receiver.received.map((r) => r.verified !== null)).toEqual([true, true]);
    expect(new Set(receiver.received.map((r) => r.headers["webhook-id"])).size).toBe(1); // same message id on a retry
    expect(await getDelivery(database.db, failed!.id)).toMatchObject({ status: "delivered", attempts: 2, lastStatusCode: 200 });
  });

  it("keeps retrying for over 24 hours, then abandons", async () => {
    answers = Array.from({ length: MAX_ATTEMPTS }, () => 503);
    await enqueueWebhookEvents(database.db, [regressed()], { now: clock });
    const start = clock.getTime();
    for (let i = 0; i < MAX_ATTEMPTS; i++) {
      expect(await deliverDueWebhooks(database.db, { deps })).toBe(1);
      const [d] = await listDeliveries(database.db, endpoint.id);
      if (d!.nextAttemptAt) clock = new Date(d!.nextAttemptAt);
    }
    const [abandoned] = await listDeliveries(database.db, endpoint.id);
    expect(abandoned).toMatchObject({ status: "abandoned", attempts: MAX_ATTEMPTS, lastStatusCode: 503, nextAttemptAt: null });
    expect(clock.getTime() - start).toBeGreaterThanOrEqual(24 * 3600 * 1000);
    expect(receiver.received).toHaveLength(MAX_ATTEMPTS);
    clock = new Date(clock.getTime() + 7 * 86_400_000);
    expect(await deliverDueWebhooks(database.db, { deps })).toBe(0);

    // Redelivery on demand: sent again now, with the same webhook-id, and audited.
    await redeliverWebhook(database.db, admin, abandoned!.id, meta);
    clock = new Date(Date.now() + 1000); // requeued at the real time
    expect(await deliverDueWebhooks(database.db, { deps })).toBe(1);
    expect(await getDelivery(database.db, abandoned!.id)).toMatchObject({ status: "delivered", attempts: 1, lastStatusCode: 200 });
    expect(receiver.received.at(-1)!.headers["webhook-id"]).toBe(abandoned!.eventId);
    const audit = await database.db.selectFrom("audit_log").selectAll().where("action", "=", "webhook.redelivered").execute();
    expect(audit).toHaveLength(1);
  });

  it("never follows a redirect", async () => {
    const moved = await createWebhookEndpoint(database.db, admin, { url: `${receiver.url}/moved`, description: "", events: ["bulk_run.finished"], format: "standard" }, meta);
    try {
      await enqueueWebhookEvents(database.db, [bulkRunFinishedEvent({ bulkRunId: "b", total: 1, done: 1, failed: 0, failingTenants: 0, requestedBy: "x", startedAt: clock.toISOString() })], { now: clock });
      await deliverDueWebhooks(database.db, { deps });
      expect(receiver.received.map((r) => r.path).sort()).toEqual(["/hook", "/moved"]);
      const [d] = await listDeliveries(database.db, moved.endpoint.id);
      expect(d).toMatchObject({ status: "failed", lastStatusCode: 302, lastError: "Redirect to /elsewhere not followed" });
    } finally {
      await changeWebhookEndpoint(database.db, admin, moved.endpoint.id, { enabled: false }, meta);
    }
  });

  it("holds deliveries of a disabled endpoint, and sends Teams/Slack a signed text body", async () => {
    const slack = await createWebhookEndpoint(database.db, admin, { url: `${receiver.url}/slack`, description: "", events: ["tenant.regressed"], format: "slack" }, meta);
    const slackSecret = slack.secret;
    await changeWebhookEndpoint(database.db, admin, endpoint.id, { enabled: false }, meta);
    try {
      await enqueueWebhookEvents(database.db, [regressed()], { now: clock });
      expect(await deliverDueWebhooks(database.db, { deps })).toBe(1);
      expect(receiver.received.map((r) => r.path)).toEqual(["/slack"]);
      const previous = secret;
      secret = slackSecret;
      try {
        const { Webhook } = await import("standardwebhooks");
        expect(new Webhook(slackSecret).verify(receiver.received[0]!.body, receiver.received[0]!.headers)).toEqual({ text: expect.stringContaining("tenant Fabrikam (2f6b8c1d-4e3a-4f5b-9c7d-1a2b3c4d5e01) regressed: mail") });
      } finally {
        secret = previous;
      }
    } finally {
      await changeWebhookEndpoint(database.db, admin, endpoint.id, { enabled: true }, meta);
      await changeWebhookEndpoint(database.db, admin, slack.endpoint.id, { enabled: false }, meta);
    }
  });
});
