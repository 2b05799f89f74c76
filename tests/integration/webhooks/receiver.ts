import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { Webhook } from "standardwebhooks";

export interface Received {
  path: string;
  headers: Record<string, string>;
  body: string;
  /** What Webhook.verify returned, or null when the signature did not verify. */
  verified: unknown;
}

/**
 * A webhook receiver on 127.0.0.1 that verifies every request with the standardwebhooks library,
 * as a partner's would. `answer` decides each response (200 by default).
 */
export async function startReceiver(secret: () => string, answer: (request: Received, res: ServerResponse) => void = (_r, res) => void res.writeHead(200).end("ok")) {
  const received: Received[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]));
      let verified: unknown = null;
      try {
        verified = new Webhook(secret()).verify(body, headers);
      } catch {
        verified = null;
      }
      const request = { path: req.url ?? "/", headers, body, verified };
      received.push(request);
      answer(request, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
