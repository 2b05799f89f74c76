import "server-only";

import { BlockList, isIP } from "node:net";

import { getConfig } from "@/lib/config";
import { AppError } from "@/lib/errors";
import { logger } from "@/lib/log/logger";

/**
 * Who is on the other end of a request. `next start` fills `X-Forwarded-For` with the
 * socket address only when the client sent none (next/dist/server/base-server.js:
 * `req.headers['x-forwarded-for'] ??= socket.remoteAddress`), so a client-sent value
 * hides the socket address. Our server (scripts/lib/portal-server.mjs) therefore
 * overwrites {@link PEER_HEADER} with the socket's address on every request, dropping
 * whatever the client sent under that name, and marks the process so this module knows
 * the header is its own.
 */
export const PEER_HEADER = "x-consentry-peer";

/** Set on globalThis by scripts/lib/portal-server.mjs once it owns {@link PEER_HEADER}. */
export const PEER_HEADER_MARK = Symbol.for("consentry.peer-header");

/** Whether this process is served by our server, which sets {@link PEER_HEADER} itself. */
export function peerHeaderIsAuthoritative(): boolean {
  return (globalThis as Record<symbol, unknown>)[PEER_HEADER_MARK] === true;
}

/** A set of IP addresses and CIDR ranges (TRUSTED_PROXIES). */
export interface AddressSet {
  has(address: string): boolean;
}

/**
 * Parses `10.0.0.0/8,127.0.0.1,::1`-style entries (already validated by lib/config.ts).
 * @throws Error naming the entry that is neither an address nor a CIDR range.
 */
export function createAddressSet(entries: readonly string[]): AddressSet {
  const list = new BlockList();
  for (const entry of entries) {
    const [raw, prefix] = entry.split("/");
    const address = normalizeAddress(raw ?? "");
    const family = address ? isIP(address) : 0;
    if (!address || family === 0) throw new AppError("invalid_config", `Not an IP address or CIDR range: "${entry}".`);
    const type = family === 4 ? "ipv4" : "ipv6";
    if (prefix === undefined) list.addAddress(address, type);
    else list.addSubnet(address, Number(prefix), type);
  }
  return {
    has(address: string): boolean {
      const normalized = normalizeAddress(address);
      const family = normalized ? isIP(normalized) : 0;
      return family !== 0 && list.check(normalized!, family === 4 ? "ipv4" : "ipv6");
    },
  };
}

/**
 * One address as IP text: IPv4-mapped IPv6 (`::ffff:192.0.2.1`, what a dual-stack socket
 * reports) becomes IPv4, `[v6]:port` and `v4:port` (some proxies add ports) lose the
 * port. Anything else (`unknown`, obfuscated identifiers, junk) gives null.
 * @see https://www.rfc-editor.org/rfc/rfc7239#section-6 (node identifiers)
 */
export function normalizeAddress(value: string): string | null {
  let text = value.trim();
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(text);
  if (bracketed) text = bracketed[1]!;
  else if (/^[\d.]+:\d+$/.test(text)) text = text.slice(0, text.lastIndexOf(":"));
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(text);
  if (mapped) text = mapped[1]!;
  const family = isIP(text);
  if (family === 0) return null;
  return family === 6 ? text.toLowerCase() : text;
}

/**
 * The client's address. The socket peer is the client unless it is a trusted proxy;
 * then `X-Forwarded-For` is read from the right (each proxy appends the address it was
 * connected from), skipping trusted hops, and the first untrusted address is the
 * client's. Entries left of it were written by the client and are never believed.
 * When every hop is trusted, the leftmost one is the best we know. A malformed entry
 * written by a trusted hop stops the walk at that hop, so junk never becomes an address.
 * @see https://developer.mozilla.org/docs/Web/HTTP/Reference/Headers/X-Forwarded-For#selecting_an_ip_address
 */
export function resolveClientAddress(input: { peer: string | null; forwardedFor: string | null; trusted: AddressSet }): string | null {
  const peer = input.peer === null ? null : normalizeAddress(input.peer);
  if (peer === null) return null;
  if (!input.trusted.has(peer)) return peer;
  const hops = (input.forwardedFor ?? "").split(",").map((h) => h.trim()).filter(Boolean);
  let nearest = peer;
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = normalizeAddress(hops[i]!);
    if (hop === null) return nearest;
    if (!input.trusted.has(hop)) return hop;
    nearest = hop;
  }
  return nearest;
}

const cache = globalThis as unknown as { consentryTrustedProxies?: { entries: readonly string[]; set: AddressSet }; consentryPeerWarned?: boolean };

function trustedProxies(): AddressSet {
  const entries = getConfig().trustedProxies;
  if (cache.consentryTrustedProxies?.entries !== entries) cache.consentryTrustedProxies = { entries, set: createAddressSet(entries) };
  return cache.consentryTrustedProxies.set;
}

/**
 * The address of the client that sent these request headers, or null when it cannot be
 * known: served by plain `next start`/`next dev` instead of `npm start`, where every
 * header, X-Forwarded-For included, may come from the client.
 */
export function clientAddress(h: Headers): string | null {
  if (!peerHeaderIsAuthoritative()) {
    if (!cache.consentryPeerWarned) {
      cache.consentryPeerWarned = true;
      logger("http").warn("client addresses are unknown: serve the portal with `npm start` (scripts/start.ts), which records each connection's address. Per-address rate limits are off.");
    }
    return null;
  }
  return resolveClientAddress({ peer: h.get(PEER_HEADER), forwardedFor: h.get("x-forwarded-for"), trusted: trustedProxies() });
}
