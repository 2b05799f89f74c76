import { beforeAll, describe, expect, it, vi } from "vitest";

const unsealCalls = vi.hoisted(() => ({ count: 0 }));
vi.mock("iron-session", async (importOriginal) => {
  const original = await importOriginal<typeof import("iron-session")>();
  return {
    ...original,
    unsealData: (...args: Parameters<typeof original.unsealData>) => {
      unsealCalls.count++;
      return original.unsealData(...args);
    },
  };
});

import { seal, unsealRemembered } from "@/lib/session/sealed-cookie";
import { configurePortalEnv } from "../../support/portal-env";

beforeAll(() => {
  configurePortalEnv({});
});

describe("unsealRemembered", () => {
  it("unseals a value once, then answers it from memory with the same data (a copy each time)", async () => {
    const value = await seal({ who: "alice", n: 1 }, 3600);
    const before = unsealCalls.count;
    const first = await unsealRemembered<{ who: string; n: number }>(value, 3600);
    const second = await unsealRemembered<{ who: string; n: number }>(value, 3600);
    expect(first).toEqual({ who: "alice", n: 1 });
    expect(second).toEqual(first);
    expect(unsealCalls.count - before).toBe(1);
    second!.n = 2;
    expect(await unsealRemembered(value, 3600)).toEqual({ who: "alice", n: 1 });
  });

  it("never remembers a value that did not unseal: tampered, foreign, empty or oversized", async () => {
    const value = await seal({ who: "alice" }, 3600);
    // One character of the HMAC changed (to another character, whatever it was).
    const [sealPart, version] = value.split("~");
    const flipped = sealPart!.endsWith("A") ? "B" : "A";
    const tampered = `${sealPart!.slice(0, -1)}${flipped}~${version}`;
    expect(tampered).not.toBe(value);
    for (const bad of [tampered, "Fe26.2*1*a*b*c*9999999999999*d*e~2", "", "x".repeat(9000), undefined]) {
      const before = unsealCalls.count;
      expect(await unsealRemembered(bad, 3600)).toBeNull();
      expect(await unsealRemembered(bad, 3600)).toBeNull();
      // Each try is checked again (a value under 8 KiB reaches iron every time).
      if (bad && bad.length <= 8192) expect(unsealCalls.count - before).toBe(2);
    }
  });

  it("stops answering from memory at the expiry the seal carries", async () => {
    const value = await seal({ who: "alice" }, 120);
    const expiry = Number(value.split("~")[0]!.split("*")[5]);
    expect(await unsealRemembered(value, 120)).toEqual({ who: "alice" });
    const before = unsealCalls.count;
    expect(await unsealRemembered(value, 120, expiry - 1)).toEqual({ who: "alice" });
    expect(unsealCalls.count - before).toBe(0);
    // At its expiry the seal is checked again (and iron itself decides, with its clock).
    await unsealRemembered(value, 120, expiry);
    expect(unsealCalls.count - before).toBe(1);
  });

  it("keeps at most 1,000 seals, forgetting the least recently used first", async () => {
    const first = await seal({ n: -1 }, 3600);
    await unsealRemembered(first, 3600);
    for (let n = 0; n < 1000; n++) await unsealRemembered(await seal({ n }, 3600), 3600);
    const before = unsealCalls.count;
    expect(await unsealRemembered(first, 3600)).toEqual({ n: -1 });
    expect(unsealCalls.count - before).toBe(1);
  });

  it("keys the memory by the TTL it was asked with as well as the value", async () => {
    const value = await seal({ who: "alice" }, 3600);
    await unsealRemembered(value, 3600);
    const before = unsealCalls.count;
    await unsealRemembered(value, 60);
    expect(unsealCalls.count - before).toBe(1);
  });
});
