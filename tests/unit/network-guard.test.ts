import net from "node:net";
import { describe, expect, it } from "vitest";

import { assertLocalUrl } from "../support/network-guard";

describe("the unit-test network guard", () => {
  it("refuses TCP connections, even to loopback", () => {
    expect(() => net.connect(9, "127.0.0.1")).toThrow(/Network is disabled in unit tests/);
  });

  it("makes fetch fail instead of reaching a listening server", async () => {
    const server = net.createServer((socket) => socket.end("HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n"));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as net.AddressInfo;
    try {
      const error = await fetch(`http://127.0.0.1:${port}/`).then(
        () => null,
        (e: Error) => e,
      );
      expect(error).not.toBeNull();
      expect(String((error!.cause as Error | undefined)?.message ?? error!.message)).toMatch(/Network is disabled in unit tests/);
    } finally {
      server.close();
    }
  });
});

describe("assertLocalUrl", () => {
  it.each(["http://127.0.0.1:5432/x", "https://localhost:3000", "postgres://u@[::1]:5432/db"])("accepts %s", (url) => {
    expect(() => assertLocalUrl(url)).not.toThrow();
  });

  it.each(["https://login.microsoftonline.com/common", "postgres://db.internal/x", "http://10.0.0.1/"])("refuses %s", (url) => {
    expect(() => assertLocalUrl(url)).toThrow(/non-local URL/);
  });
});
