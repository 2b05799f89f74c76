import type { KeyObject } from "node:crypto";
import { Worker } from "node:worker_threads";

// The worker is plain CommonJS evaluated from a string, so it runs the same under tsx,
// vitest and plain node without a loader.
const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const { createPrivateKey, sign } = require("node:crypto");
const key = createPrivateKey(workerData.pem);
parentPort.on("message", ({ id, input }) => {
  try {
    parentPort.postMessage({ id, signature: sign("sha256", Buffer.from(input), key).toString("base64url") });
  } catch (error) {
    parentPort.postMessage({ id, error: String(error && error.message || error) });
  }
});
`;

/**
 * RS256 signatures off the main thread. Signing is the costliest thing the token
 * endpoint does (an RSA private-key operation per token); on a worker thread it no longer
 * holds up every other request the sandbox is answering, as a real token service signs
 * on many machines at once. Signs on the caller's thread when the worker cannot start, fails
 * or dies, so a token is never lost.
 */
export class TokenSigner {
  private worker: Worker | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, { input: string; resolve: (signature: string) => void }>();

  constructor(
    private readonly privateKey: KeyObject,
    private readonly fallback: (input: string) => string,
  ) {}

  sign(input: string): Promise<string> {
    const worker = this.ensureWorker();
    if (!worker) return Promise.resolve(this.fallback(input));
    const id = this.nextId++;
    return new Promise<string>((resolve) => {
      this.pending.set(id, { input, resolve });
      if (this.pending.size === 1) worker.ref();
      worker.postMessage({ id, input });
    });
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    if (worker) await worker.terminate();
  }

  private ensureWorker(): Worker | null {
    if (this.worker) return this.worker;
    let worker: Worker;
    try {
      worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { pem: this.privateKey.export({ type: "pkcs8", format: "pem" }).toString() } });
    } catch {
      return null;
    }
    worker.unref();
    worker.on("message", (message: { id: number; signature?: string; error?: string }) => {
      const waiting = this.pending.get(message.id);
      if (!waiting) return;
      this.pending.delete(message.id);
      if (this.pending.size === 0) worker.unref();
      waiting.resolve(message.signature ?? this.fallback(waiting.input));
    });
    const fail = () => {
      if (this.worker === worker) this.worker = null;
      for (const waiting of this.pending.values()) waiting.resolve(this.fallback(waiting.input));
      this.pending.clear();
    };
    worker.on("error", fail);
    worker.on("exit", fail);
    this.worker = worker;
    return worker;
  }
}
