import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import { resetConfigForTests } from "@/lib/config";
import { clientAddress, createAddressSet, normalizeAddress, PEER_HEADER, PEER_HEADER_MARK, resolveClientAddress } from "@/lib/http/client-address";
import { requestOrigin } from "@/lib/http/request-meta";

const trusted = createAddressSet(["10.0.0.0/8", "192.0.2.10", "fd00::/8"]);

describe("resolveClientAddress", () => {
  it.each([
    { name: "an untrusted peer is the client, whatever X-Forwarded-For claims", peer: "203.0.113.5", xff: "198.51.100.1", expected: "203.0.113.5" },
    { name: "a spoofed chain from an untrusted hop is ignored", peer: "203.0.113.5", xff: "10.0.0.1, 192.0.2.10", expected: "203.0.113.5" },
    { name: "a trusted peer passes on the address it saw", peer: "10.1.2.3", xff: "198.51.100.7", expected: "198.51.100.7" },
    { name: "trusted hops are skipped from the right", peer: "10.0.0.1", xff: "198.51.100.7, 192.0.2.10, 10.9.9.9", expected: "198.51.100.7" },
    { name: "what the client wrote left of the first untrusted hop is not believed", peer: "10.0.0.1", xff: "1.1.1.1, 198.51.100.7, 10.9.9.9", expected: "198.51.100.7" },
    { name: "every hop trusted: the leftmost is the best known", peer: "10.0.0.1", xff: "10.0.0.2, 192.0.2.10", expected: "10.0.0.2" },
    { name: "a trusted peer without X-Forwarded-For is itself the client", peer: "10.0.0.1", xff: null, expected: "10.0.0.1" },
    { name: "junk written by a trusted hop stops at that hop", peer: "10.0.0.1", xff: "198.51.100.7, unknown, 10.0.0.2", expected: "10.0.0.2" },
    { name: "an IPv4-mapped socket address counts as IPv4", peer: "::ffff:10.0.0.1", xff: "198.51.100.7", expected: "198.51.100.7" },
    { name: "ports and brackets are dropped", peer: "10.0.0.1", xff: "[2001:db8::1]:4711, 10.0.0.2:80", expected: "2001:db8::1" },
    { name: "IPv6 ranges are trusted too", peer: "fd12::1", xff: "2001:DB8::2", expected: "2001:db8::2" },
    { name: "no peer: unknown", peer: null, xff: "198.51.100.7", expected: null },
  ])("$name", ({ peer, xff, expected }) => {
    expect(resolveClientAddress({ peer, forwardedFor: xff, trusted })).toBe(expected);
  });
});

describe("normalizeAddress", () => {
  it.each([
    ["192.0.2.1", "192.0.2.1"],
    ["::FFFF:192.0.2.1", "192.0.2.1"],
    ["192.0.2.1:8080", "192.0.2.1"],
    ["[::1]:443", "::1"],
    ["unknown", null],
    ["_hidden", null],
    ["", null],
  ])("%j → %j", (input, expected) => {
    expect(normalizeAddress(input)).toBe(expected);
  });
});

describe("createAddressSet", () => {
  it("refuses an entry that is not an address or range, naming it", () => {
    expect(() => createAddressSet(["10.0.0.0/8", "proxy.internal"])).toThrow(/"proxy\.internal"/);
  });
});

describe("clientAddress (request headers)", () => {
  let dataDir: string;
  const mark = globalThis as Record<symbol, unknown>;

  beforeEach(() => {
    dataDir = mkdtempSync(path.join(tmpdir(), "consentry-client-address-"));
    vi.stubEnv("DATA_DIR", dataDir);
    vi.stubEnv("TRUSTED_PROXIES", "127.0.0.1");
    resetConfigForTests();
    vi.spyOn(console, "warn").mockImplementation(() => {});
  });

  afterEach(() => {
    delete mark[PEER_HEADER_MARK];
    vi.unstubAllEnvs();
    resetConfigForTests();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const headers = (entries: Record<string, string>) => new Headers(entries);

  it("believes the peer header only when our server set it", () => {
    const spoofed = headers({ [PEER_HEADER]: "127.0.0.1", "x-forwarded-for": "198.51.100.7" });
    expect(clientAddress(spoofed)).toBeNull();
    mark[PEER_HEADER_MARK] = true;
    expect(clientAddress(spoofed)).toBe("198.51.100.7");
  });

  it("ignores X-Forwarded-For from a peer not named in TRUSTED_PROXIES", () => {
    mark[PEER_HEADER_MARK] = true;
    expect(clientAddress(headers({ [PEER_HEADER]: "203.0.113.5", "x-forwarded-for": "198.51.100.7" }))).toBe("203.0.113.5");
  });

  it("ignores X-Forwarded-For entirely when TRUSTED_PROXIES is empty", () => {
    vi.stubEnv("TRUSTED_PROXIES", "");
    resetConfigForTests();
    mark[PEER_HEADER_MARK] = true;
    expect(clientAddress(headers({ [PEER_HEADER]: "127.0.0.1", "x-forwarded-for": "198.51.100.7" }))).toBe("127.0.0.1");
  });

  it("gives a request's metadata: the believed client address and at most 300 characters of user agent", () => {
    mark[PEER_HEADER_MARK] = true;
    expect(requestOrigin(headers({ [PEER_HEADER]: "203.0.113.5", "user-agent": "x".repeat(400) }))).toEqual({ ip: "203.0.113.5", userAgent: "x".repeat(300) });
    expect(requestOrigin(headers({}))).toEqual({ ip: null, userAgent: null });
  });
});
