import { spawn } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";

import { ROOT } from "../support/run-script";

function bench(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--conditions=react-server", "--import", "tsx", path.join(ROOT, "scripts/bench-probes.ts"), ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: process.env.HOME ?? "/tmp" } as unknown as NodeJS.ProcessEnv,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), 150_000);
    child.on("error", reject);
    child.on("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

// A smoke test of the benchmark's plumbing on a few tenants: what it prints, not how fast.
describe("npm run bench:probes", () => {
  it("runs both phases on a small sandbox and ends with one JSON line of figures", async () => {
    const result = await bench(["--tenants", "12", "--latency", "5", "--concurrency", "4", "--sample", "1", "--warmup", "0"]);
    expect(result.code, result.stderr).toBe(0);
    const lines = result.stdout.trim().split("\n");
    expect(lines.find((l) => l.startsWith("no faults"))).toMatch(/tenants=12 probes=120 wall=[\d.]+s limit=[\d.]+s naive=[\d.]+s wall\/limit=[\d.]+ naive\/wall=\d+ failed=0 slowestTenant=[\d.]+s peakRSS=\d+MB/);
    expect(lines.find((l) => l.startsWith("10% Graph 429"))).toMatch(/failed=0/);
    const figures = JSON.parse(lines.at(-1)!);
    expect(figures).toMatchObject({ tenants: 12, probesPerTenant: 10, latencyMs: 5, concurrency: 4, warmupTenants: 0, normal: { failedProbes: 0 }, throttled: { failedProbes: 0 } });
    expect(figures.peakRssMB).toBeGreaterThan(0);
    // The slowest tenant took some time, and no longer than its whole phase.
    for (const phase of [figures.normal, figures.throttled]) {
      expect(phase.slowestTenantSeconds).toBeGreaterThan(0);
      expect(phase.slowestTenantSeconds).toBeLessThanOrEqual(phase.wallSeconds);
    }
  }, 160_000);

  it("with --instances 2, two portal processes on PostgreSQL share each run and print the same figures", async () => {
    const result = await bench(["--tenants", "24", "--latency", "5", "--concurrency", "2", "--sample", "1", "--warmup", "0", "--instances", "2"]);
    expect(result.code, result.stderr).toBe(0);
    const figures = JSON.parse(result.stdout.trim().split("\n").at(-1)!);
    expect(figures).toMatchObject({ tenants: 24, instances: 2, database: "postgres", concurrency: 2, normal: { failedProbes: 0 }, throttled: { failedProbes: 0 } });
    // Both instances finished some tenants, and together every one.
    for (const phase of [figures.normal, figures.throttled]) {
      expect(phase.tenantsPerInstance).toHaveLength(2);
      expect(phase.tenantsPerInstance.reduce((a: number, b: number) => a + b, 0)).toBe(24);
      expect(Math.min(...phase.tenantsPerInstance)).toBeGreaterThan(0);
    }
    expect(figures.peakRssMBPerInstance).toHaveLength(2);
    expect(figures.peakRssMB).toBe(Math.max(...figures.peakRssMBPerInstance));
  }, 160_000);

  it("refuses a bad option with the usage line", async () => {
    const result = await bench(["--warmup", "lots"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--warmup must be a whole number/);
    const unknown = await bench(["--tenats", "5"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/Unknown option '--tenats'[\s\S]*Usage: npm run bench:probes/);
    const three = await bench(["--instances", "3"]);
    expect(three.code).toBe(2);
    expect(three.stderr).toMatch(/--instances must be 1 \(SQLite\) or 2/);
  });
});
