import { mkdirSync } from "node:fs";
import http, { type IncomingMessage, type ServerResponse } from "node:http";
import https from "node:https";
import type { AddressInfo, Socket } from "node:net";
import path from "node:path";

import type { EmulatorContext } from "./context";
import { BodyTooLargeError, sendJson } from "./http";
import { rs256Signature } from "./jws";
import { ensureCertificateAuthority, ensureServerCertificate, ensureSigningKey } from "./pki";
import { prepareApps, type AppCredentials } from "./prepare-apps";
import { routeRequest } from "./route-request";
import type { Scenario } from "./scenario";
import { TokenSigner } from "./signer";
import { EmulatorState } from "./state";

export type { AppCredentials } from "./prepare-apps";

export interface EmulatorOptions {
  scenario: Scenario;
  /** https port; 0 picks a free one. */
  port?: number;
  /** plain-http port for browser pages; 0 picks a free one. */
  httpPort?: number;
  /** Where generated credentials and keys are kept. */
  stateDir: string;
  /** Where the CA and TLS certificate are kept (default: stateDir/ca). Share it to keep NODE_EXTRA_CA_CERTS stable. */
  caDir?: string;
  /** Clock for tests of replication delay. */
  now?: () => number;
  /** Random source for fault rates and flaky tenants. */
  random?: () => number;
}

export interface RunningEmulator {
  authorityHost: string;
  loginHost: string;
  graphHost: string;
  exchangeHost: string;
  caCertPath: string;
  credentialsPath: string;
  credentials: AppCredentials[];
  state: EmulatorState;
  close(): Promise<void>;
}

function listen(server: http.Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => {
      server.off("error", reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/** Starts the sandbox cloud on loopback: https for clients, http for browser pages. */
export async function startEmulator(options: EmulatorOptions): Promise<RunningEmulator> {
  const random = options.random ?? Math.random;
  mkdirSync(options.stateDir, { recursive: true });
  const caDir = options.caDir ?? path.join(options.stateDir, "ca");
  const ca = await ensureCertificateAuthority(caDir);
  const tls = await ensureServerCertificate(caDir, ca);
  const signing = ensureSigningKey(path.join(options.stateDir, "signing-key.pem"));
  const { apps, credentials, credentialsPath } = await prepareApps(options.scenario, options.stateDir);
  const state = new EmulatorState(options.scenario, apps, options.now);

  const sockets = new Set<Socket>();
  const signer = new TokenSigner(signing.privateKey, (input) => rs256Signature(input, signing.privateKey));
  const ctx = { state, signing, signer } as EmulatorContext;
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    routeRequest(ctx, req, res, random).catch((error: unknown) => {
      if (error instanceof BodyTooLargeError) return sendJson(res, 413, { error: "request_too_large", error_description: "The request body is larger than 1 MB." });
      console.error("[emulator] unhandled error:", error);
      if (!res.headersSent) sendJson(res, 500, { error: "server_error", error_description: "The sandbox cloud failed to answer this request." });
      else res.destroy();
    });
  };
  const secure = https.createServer({ key: tls.keyPem, cert: tls.certPem }, handler);
  const plain = http.createServer(handler);
  for (const server of [secure, plain]) {
    server.on("connection", (socket: Socket) => {
      sockets.add(socket);
      socket.on("close", () => sockets.delete(socket));
    });
  }
  const port = await listen(secure, options.port ?? 0);
  const httpPort = await listen(plain, options.httpPort ?? 0);
  ctx.authorityHost = `https://127.0.0.1:${port}`;
  ctx.graphHost = ctx.authorityHost;
  ctx.exchangeHost = ctx.authorityHost;
  ctx.loginHost = `http://127.0.0.1:${httpPort}`;

  return {
    authorityHost: ctx.authorityHost,
    loginHost: ctx.loginHost,
    graphHost: ctx.graphHost,
    exchangeHost: ctx.exchangeHost,
    caCertPath: ca.certPath,
    credentialsPath,
    credentials,
    state,
    async close() {
      for (const socket of sockets) socket.destroy();
      await Promise.all([new Promise((r) => secure.close(r)), new Promise((r) => plain.close(r)), signer.close()]);
    },
  };
}
