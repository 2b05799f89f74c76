import { describe, expect, it } from "vitest";

import { installShutdownHook, ShutdownRegistry, SHUTDOWN_HOOK, type ShutdownReport } from "@/lib/lifecycle/shutdown";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("the shutdown registry", () => {
  it("stops intake, then drains, then closes; steps of one phase run side by side", async () => {
    const registry = new ShutdownRegistry();
    const log: string[] = [];
    const step = (name: string, ms: number) => async () => {
      log.push(`${name} start`);
      await sleep(ms);
      log.push(`${name} end`);
    };
    registry.register("database", "close", step("close", 1));
    registry.register("bulk", "drain", step("drain", 30));
    registry.register("scheduler", "intake", step("scheduler", 20));
    registry.register("webhooks", "intake", step("webhooks", 1));
    expect(registry.stopping).toBe(false);
    const report = await registry.shutdown({ timeoutMs: 2_000 });
    expect(registry.stopping).toBe(true);
    expect(log).toEqual(["scheduler start", "webhooks start", "webhooks end", "scheduler end", "drain start", "drain end", "close start", "close end"]);
    expect(report.steps.map((s) => [s.name, s.phase, s.ok])).toEqual([
      ["scheduler", "intake", true],
      ["webhooks", "intake", true],
      ["bulk", "drain", true],
      ["database", "close", true],
    ]);
  });

  it("is idempotent: a second call gets the first one's report and runs nothing again", async () => {
    const registry = new ShutdownRegistry();
    let runs = 0;
    registry.register("once", "close", () => void runs++);
    const [a, b] = await Promise.all([registry.shutdown(), registry.shutdown({ timeoutMs: 1 })]);
    expect(a).toBe(b);
    expect(await registry.shutdown()).toBe(a);
    expect(runs).toBe(1);
  });

  it("holds to its bound: an overrunning drain is cut off, and the database still closes within it", async () => {
    const registry = new ShutdownRegistry();
    let closed = false;
    let deadlineSeen = 0;
    registry.register("stuck", "drain", (deadline) => {
      deadlineSeen = deadline;
      return new Promise(() => {}); // never settles
    });
    registry.register("database", "close", () => void (closed = true));
    const started = Date.now();
    const report = await registry.shutdown({ timeoutMs: 300 });
    expect(Date.now() - started).toBeLessThan(600);
    expect(closed).toBe(true);
    // The drain is told its deadline, which leaves the close phase its share of the bound.
    expect(deadlineSeen - started).toBeLessThanOrEqual(300 - 60 + 5);
    expect(report.steps).toMatchObject([
      { name: "stuck", ok: false, timedOut: true },
      { name: "database", ok: true, timedOut: false },
    ]);
  });

  it("reports a failing step and carries on with the others", async () => {
    const registry = new ShutdownRegistry();
    let closed = false;
    registry.register("broken", "intake", () => {
      throw new Error("timer already gone");
    });
    registry.register("database", "close", () => void (closed = true));
    const report = await registry.shutdown({ timeoutMs: 500 });
    expect(closed).toBe(true);
    expect(report.steps[0]).toMatchObject({ name: "broken", ok: false, error: "timer already gone" });
  });

  it("skips a step that was unregistered (a worker that ended on its own)", async () => {
    const registry = new ShutdownRegistry();
    let ran = false;
    const unregister = registry.register("finished worker", "drain", () => void (ran = true));
    unregister();
    expect((await registry.shutdown()).steps).toEqual([]);
    expect(ran).toBe(false);
  });

  it("publishes the hook the server calls on SIGTERM, taking a bound in ms or as { timeoutMs }", async () => {
    const registry = new ShutdownRegistry();
    registry.register("database", "close", () => undefined);
    installShutdownHook(registry);
    const hook = (globalThis as Record<symbol, unknown>)[Symbol.for("consentry.shutdown")] as (options?: { timeoutMs?: number } | number) => Promise<ShutdownReport>;
    expect(SHUTDOWN_HOOK).toBe(Symbol.for("consentry.shutdown"));
    const report = await hook(500);
    expect(report.steps).toMatchObject([{ name: "database", ok: true }]);
    expect(await hook({ timeoutMs: 100 })).toBe(report);
    delete (globalThis as Record<symbol, unknown>)[SHUTDOWN_HOOK];
  });
});
