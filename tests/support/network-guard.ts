import net from "node:net";

export type ConnectTarget = { host?: string; port?: number; path?: string };

const LOOPBACK_HOSTS = new Set(["127.0.0.1", "localhost", "::1", "[::1]", "::ffff:127.0.0.1"]);

export function isLoopbackHost(host: string | undefined): boolean {
  return host === undefined || LOOPBACK_HOSTS.has(host.toLowerCase()) || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** Throws unless the URL points at this machine. Harness code calls it before using any URL. */
export function assertLocalUrl(url: string): void {
  const parsed = new URL(url);
  if (!isLoopbackHost(parsed.hostname.replace(/^\[|\]$/g, ""))) {
    throw new Error(`Refusing a non-local URL in tests: ${parsed.protocol}//${parsed.host}. Tests may only reach 127.0.0.1 or localhost.`);
  }
}

function targetOf(args: unknown[]): ConnectTarget {
  const first = args[0];
  if (Array.isArray(first)) return targetOf(first);
  if (typeof first === "object" && first !== null) return first as ConnectTarget;
  if (typeof first === "number") return { port: first, host: typeof args[1] === "string" ? args[1] : "localhost" };
  if (typeof first === "string") return { path: first };
  return {};
}

/**
 * Patches socket connects for the whole worker. `decide` returns an error message to
 * refuse a connection, or null to let it through. Covers net, tls, http(s), fetch
 * (undici) and database drivers, which all connect through net.Socket.
 */
export function guardConnections(decide: (target: ConnectTarget) => string | null): void {
  const original = net.Socket.prototype.connect;
  net.Socket.prototype.connect = function guardedConnect(this: net.Socket, ...args: unknown[]) {
    const target = targetOf(args);
    const refusal = decide(target);
    if (refusal) throw new Error(refusal);
    return (original as (...a: unknown[]) => net.Socket).apply(this, args);
  } as typeof original;
}
