import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";

import { pingEvent, payloadOf, tenantRegressedEvent } from "@/lib/webhooks/events";
import { generateWebhookSecret } from "@/lib/webhooks/secret";
import { buildDeliveryRequest } from "@/lib/webhooks/signing";

const event = tenantRegressedEvent({ tenantId: "11111111-1111-1111-1111-111111111111", displayName: "Contoso", probeRunId: "run-2", previousProbeRunId: "run-1", regressed: [{ probe: "mail", permission: "Mail.Read", errorCode: "ErrorAccessDenied", finding: "access_policy" }], findings: ["access_policy"] });

describe("buildDeliveryRequest", () => {
  it("signs the standard body so the standardwebhooks library verifies it", () => {
    const secret = generateWebhookSecret();
    const request = buildDeliveryRequest({ eventId: event.id, payload: payloadOf(event), format: "standard", secret, signedAt: new Date() });
    expect(request.headers).toMatchObject({ "content-type": "application/json", "webhook-id": event.id, "webhook-timestamp": expect.stringMatching(/^\d{10}$/), "webhook-signature": expect.stringMatching(/^v1,[A-Za-z0-9+/=]+$/) });
    expect(new Webhook(secret).verify(request.body, request.headers)).toEqual(payloadOf(event));
  });

  it("signs HMAC-SHA256 over id.timestamp.body (the specification's scheme)", async () => {
    const { createHmac } = await import("node:crypto");
    const secret = generateWebhookSecret();
    const signedAt = new Date("2026-11-30T12:00:00Z");
    const request = buildDeliveryRequest({ eventId: "msg_1", payload: payloadOf(event), format: "standard", secret, signedAt });
    const expected = createHmac("sha256", Buffer.from(secret.slice("whsec_".length), "base64")).update(`msg_1.${signedAt.getTime() / 1000}.${request.body}`).digest("base64");
    expect(request.headers["webhook-signature"]).toBe(`v1,${expected}`);
  });

  it.each([
    ["a changed body", (r: { body: string; headers: Record<string, string> }) => ({ ...r, body: r.body.replace("Contoso", "Fabrikam") })],
    ["another id", (r: { body: string; headers: Record<string, string> }) => ({ ...r, headers: { ...r.headers, "webhook-id": "msg_other" } })],
    ["another secret", (r: { body: string; headers: Record<string, string> }) => r],
  ])("is refused with %s", (what, tamper) => {
    const secret = generateWebhookSecret();
    const request = tamper(buildDeliveryRequest({ eventId: event.id, payload: payloadOf(event), format: "standard", secret, signedAt: new Date() }));
    const verifier = new Webhook(what === "another secret" ? generateWebhookSecret() : secret);
    expect(() => verifier.verify(request.body, request.headers)).toThrow();
  });

  it.each(["teams", "slack"] as const)("sends %s a signed {text} body a person can read", (format) => {
    const secret = generateWebhookSecret();
    const request = buildDeliveryRequest({ eventId: event.id, payload: payloadOf(event), format, secret, signedAt: new Date() });
    const body = new Webhook(secret).verify(request.body, request.headers) as { text: string };
    expect(Object.keys(body)).toEqual(["text"]);
    expect(body.text).toBe("Consentry: tenant Contoso (11111111-1111-1111-1111-111111111111) regressed: mail passed before and now fail (findings: access_policy).");
  });

  it("describes a ping", () => {
    const secret = generateWebhookSecret();
    const ping = pingEvent("endpoint-1");
    const request = buildDeliveryRequest({ eventId: ping.id, payload: payloadOf(ping), format: "slack", secret, signedAt: new Date() });
    expect(JSON.parse(request.body)).toEqual({ text: "Consentry: webhook.ping." });
  });
});
