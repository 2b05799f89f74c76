import type { KeyObject } from "node:crypto";
import { Worker } from "node:worker_threads";

interface Job {
  id: number;
  input: string;
}

// The worker is plain CommonJS evaluated from a string, so it runs the same under tsx,
// vitest and plain node without a loader.
const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const { createPrivateKey, sign } = require("node:crypto");
const key = createPrivateKey(workerData.pem);
parentPort.on("message", (jobs) => {
  parentPort.postMessage(jobs.map(({ id, input }) => {
    try {
      return { id, signature: sign("sha256", Buffer.from(input), key).toString("base64url") };
    } catch (error) {
      return { id, error: String(error && error.message || error) };
    }
  }));
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
  /** Signs asked for during this turn of the event loop, sent to the worker together. */
  private queue: Job[] = [];

  constructor(
    private readonly privateKey: KeyObject,
    private readonly fallback: (input: string) => string,
  ) {}

  sign(input: string): Promise<string> {
    const id = this.nextId++;
    return new Promise<string>((resolve) => {
      this.pending.set(id, { input, resolve });
      this.queue.push({ id, input });
      if (this.queue.length === 1) setImmediate(() => this.flush());
    });
  }

  /** One message per turn of the event loop, however many tokens it issued. */
  private flush(): void {
    // A job may have been answered already (by the fallback, when a worker died).
    const jobs = this.queue.splice(0).filter((job) => this.pending.has(job.id));
    if (jobs.length === 0) return;
    const worker = this.ensureWorker();
    if (!worker) {
      for (const job of jobs) this.settle(job.id, this.fallback(job.input));
      return;
    }
    worker.ref();
    worker.postMessage(jobs);
  }

  private settle(id: number, signature: string | undefined): void {
    const waiting = this.pending.get(id);
    if (!waiting) return;
    this.pending.delete(id);
    if (this.pending.size === 0) this.worker?.unref();
    waiting.resolve(signature ?? this.fallback(waiting.input));
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    // Signs not sent yet are answered here rather than by a worker started after close.
    for (const job of this.queue.splice(0)) this.settle(job.id, this.fallback(job.input));
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
    worker.on("message", (results: { id: number; signature?: string; error?: string }[]) => {
      for (const result of results) this.settle(result.id, result.signature);
    });
    const fail = () => {
      if (this.worker === worker) this.worker = null;
      // No signature from the worker: each pending sign is answered by the fallback.
      for (const id of [...this.pending.keys()]) this.settle(id, undefined);
    };
    worker.on("error", fail);
    worker.on("exit", fail);
    this.worker = worker;
    return worker;
  }
}
