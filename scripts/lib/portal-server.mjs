// The portal's HTTP server: Next.js's request handler behind node:http (a custom
// server, https://nextjs.org/docs/app/guides/custom-server), started by scripts/start.ts.
//
// Why not `next start`: it fills X-Forwarded-For with the socket's address only when
// the client sent none (`req.headers['x-forwarded-for'] ??= socket.remoteAddress` in
// next/dist/server/base-server.js), so a client-sent value hides who is connected. Here
// every request gets the socket's address in x-consentry-peer, overwriting anything the
// client sent under that name, and the process is marked so lib/http/client-address.ts
// believes that header (and only then).
//
// Plain Node (no TypeScript, no react-server condition): Next's server must load React
// with its default conditions, and production installs have no devDependencies (tsx).
//
// Each response also starts with a strict baseline of security headers, which proxy.ts
// replaces with the full set; it covers what Next answers before the proxy runs.
//
//   node scripts/lib/portal-server.mjs --port 3000 --hostname 0.0.0.0 [--https] [--dev]
//   (--https: PUBLIC_BASE_URL is https, so the baseline includes HSTS)
import { createServer } from "node:http";
import { parseArgs } from "node:util";

import { baselineSecurityHeaders } from "./baseline-headers.mjs";
import { installGracefulShutdown, parseShutdownTimeout, serverLog } from "./graceful-shutdown.mjs";
import { ROOT } from "./setup.mjs";

const PEER_HEADER = "x-consentry-peer";
const PEER_HEADER_MARK = Symbol.for("consentry.peer-header");

const { values } = parseArgs({
  options: { port: { type: "string" }, hostname: { type: "string" }, https: { type: "boolean", default: false }, dev: { type: "boolean", default: false } },
  strict: true,
});
const port = Number(values.port);
const hostname = values.hostname;
if (!Number.isInteger(port) || port < 1 || port > 65535 || !hostname) {
  console.error("portal-server: usage: node scripts/lib/portal-server.mjs --port <1-65535> --hostname <address> [--https] [--dev]");
  process.exit(2);
}
const dev = values.dev;
const expectedEnv = dev ? "development" : "production";
if (process.env.NODE_ENV !== expectedEnv) {
  console.error(`portal-server: NODE_ENV must be ${expectedEnv} before Next.js loads (got ${process.env.NODE_ENV ?? "unset"}); start it through scripts/start.ts.`);
  process.exit(2);
}
const shutdownTimeoutMs = parseShutdownTimeout(process.env.SHUTDOWN_TIMEOUT_MS);
if (typeof shutdownTimeoutMs === "string") {
  console.error(`Consentry cannot start: ${shutdownTimeoutMs}`);
  process.exit(1);
}

const { default: next } = await import("next");
const baseline = Object.entries(baselineSecurityHeaders({ https: values.https }));

const server = createServer((req, res) => {
  req.headers[PEER_HEADER] = req.socket.remoteAddress ?? "";
  // Set before Next writes anything (the custom-server guide's rule); the proxy overwrites them.
  for (const [name, value] of baseline) res.setHeader(name, value);
  handle(req, res).catch((error) => {
    serverLog("error", "A request failed before Next.js answered it", { err: error, method: req.method });
    if (!res.headersSent) {
      res.statusCode = 500;
      res.end();
    } else {
      res.destroy();
    }
  });
});

globalThis[PEER_HEADER_MARK] = true;
// httpServer lets Next attach its WebSocket upgrade handler (hot reload in development).
const app = next({ dev, dir: ROOT, hostname, port, httpServer: server });
const handle = app.getRequestHandler();
// SIGINT/SIGTERM (from here on, start-up included): stop taking connections, let requests in
// flight and the background work (the hook instrumentation.ts registers) finish within
// SHUTDOWN_TIMEOUT_MS, exit 0. See graceful-shutdown.mjs.
installGracefulShutdown({ server, timeoutMs: shutdownTimeoutMs, closeApp: async () => app.close?.() });
await app.prepare();

server.on("error", (error) => {
  const reason = error.code === "EADDRINUSE" ? `port ${port} on ${hostname} is already in use (set PORT to another one)` : error.message;
  serverLog("error", `Consentry cannot start: ${reason}.`);
  process.exit(1);
});
server.listen(port, hostname, () => {
  const shown = hostname === "0.0.0.0" || hostname === "::" ? "localhost" : hostname.includes(":") ? `[${hostname}]` : hostname;
  serverLog("info", `Consentry ${dev ? "development" : "production"} server listening on http://${shown}:${port}`, { port, hostname });
});
