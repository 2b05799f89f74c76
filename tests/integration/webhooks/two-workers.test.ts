import { afterAll, beforeAll, describe, expect, it } from "vitest";

import type { DatabaseHandle } from "@/lib/db/database";
import { enqueueWebhookEvents, insertWebhookEndpoint, listDeliveries } from "@/lib/db/repositories/webhooks";
import { deliverDueWebhooks, type DeliveryDeps } from "@/lib/webhooks/delivery-worker";
import { tenantRecoveredEvent } from "@/lib/webhooks/events";
import { encryptWebhookSecret, generateWebhookSecret } from "@/lib/webhooks/secret";
import { createTestDatabase, type TestDatabase } from "../../support/databases";
import { startReceiver } from "./receiver";

const password = "test-session-password-0123456789abcdef";
const secret = generateWebhookSecret();
let database: TestDatabase;
let second: DatabaseHandle;
let receiver: Awaited<ReturnType<typeof startReceiver>>;

beforeAll(async () => {
  database = await createTestDatabase("postgres");
  second = await database.reopen();
  // A slow receiver, so both workers hold leases at the same time.
  receiver = await startReceiver(
    () => secret,
    (_request, res) => void setTimeout(() => res.writeHead(204).end(), 20),
  );
});
afterAll(async () => {
  await receiver?.close();
  await database?.dispose();
});

describe("two delivery workers on one PostgreSQL", () => {
  it("deliver each delivery exactly once", async () => {
    const endpoint = await insertWebhookEndpoint(database.db, { url: receiver.url, description: "", events: ["tenant.recovered"], format: "standard", secretEncrypted: encryptWebhookSecret(secret, password), createdBy: "test" });
    const events = Array.from({ length: 60 }, (_, i) => tenantRecoveredEvent({ tenantId: `tenant-${i}`, displayName: null, probeRunId: `r${i}`, previousProbeRunId: `p${i}`, recoveredProbes: ["mail"] }));
    expect(await enqueueWebhookEvents(database.db, events)).toBe(60);
    const deps: Partial<DeliveryDeps> = { sessionPassword: () => password, log: () => {} };
    const drain = async (db: DatabaseHandle["db"], owner: string) => {
      let sent = 0;
      for (let n = await deliverDueWebhooks(db, { owner, limit: 5, deps }); n > 0; n = await deliverDueWebhooks(db, { owner, limit: 5, deps })) sent += n;
      return sent;
    };
    const [a, b] = await Promise.all([drain(database.db, "instance-a"), drain(second.db, "instance-b")]);
    expect(a + b).toBe(60);
    expect(a).toBeGreaterThan(0);
    expect(b).toBeGreaterThan(0);
    const ids = receiver.received.map((r) => r.headers["webhook-id"]);
    expect(ids).toHaveLength(60);
    expect(new Set(ids).size).toBe(60);
    expect(receiver.received.every((r) => r.verified !== null)).toBe(true);
    const deliveries = await listDeliveries(database.db, endpoint.id, { limit: 100 });
    expect(deliveries.map((d) => [d.status, d.attempts, d.lastStatusCode])).toEqual(Array.from({ length: 60 }, () => ["delivered", 1, 204]));
  });
});
