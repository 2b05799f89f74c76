// npm run bench:probes -- [--tenants 1000] [--latency 50] [--concurrency 25] [--sample 5] [--warmup 500] [--instances 1]
//
// Starts the sandbox cloud with N consented tenants and a fixed response time (latency) on
// every request (the emulator's own work happens within it, as Microsoft's does elsewhere),
// runs a bulk re-test through the real portal code (msal-node, $batch, SQLite), and
// prints, per phase: wall time, the limit (2 round trips per tenant × latency ÷
// concurrency), a naive baseline measured in the same run on a sample (one request per
// probe, one tenant after another, extrapolated), their ratios, the longest any one tenant
// took, and peak RSS. The second phase answers 10% of Graph requests with 429 Retry-After: 1
// (a tenant whose request is throttled k times in a row waits k seconds; the slowest
// tenant shows that wait). Last line: one JSON object.
// Before measuring, a bulk run over --warmup other tenants warms both processes' code (as
// in a portal that has been serving for a while: V8 is still optimising hot functions
// after the first few hundred tenants); the measured tenants start with no token in any
// cache. --warmup 0 measures a cold process.
// --instances 2 runs two portal processes on one throwaway PostgreSQL (the scale-out set-up):
// one starts each bulk run, both work it through their leases; --concurrency is per instance,
// so the limit divides by concurrency × instances, and peak RSS is the larger of the two.
// BENCH_DEBUG=1 also prints each phase's CPU time and main-thread utilisation in the portal
// and in the emulator, and the mean and worst latency per probe.
import { fork, spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { createInterface } from "node:readline";
import { parseArgs } from "node:util";

import { DEFAULT_MAX_HEAP_MB, serverNodeFlags } from "@/lib/config/settings";

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
const APP = "5e0c1d2a-7b3f-4c59-9a8e-0d6f2b4c8a17";
const PARTNER = "8d2f6a41-3c7e-4b90-a1d5-6e9f0b2c4d71";

const OPTIONS = {
  tenants: { type: "string", default: "1000" },
  latency: { type: "string", default: "50" },
  concurrency: { type: "string", default: "25" },
  sample: { type: "string", default: "5" },
  warmup: { type: "string", default: "500" },
  instances: { type: "string", default: "1" },
} as const;
const USAGE = "Usage: npm run bench:probes -- [--tenants 1000] [--latency 50] [--concurrency 25] [--sample 5] [--warmup 500] [--instances 1]";
let values: { [K in keyof typeof OPTIONS]: string };
try {
  values = parseArgs({ options: OPTIONS }).values;
} catch (error) {
  console.error(`${error instanceof Error ? error.message.split("\n")[0] : String(error)}\n${USAGE}`);
  process.exit(2);
}
const N = Number(values.tenants);
const LATENCY = Number(values.latency);
const CONCURRENCY = Number(values.concurrency);
const SAMPLE = Math.min(N, Number(values.sample));
const WARMUP = Number(values.warmup);
const INSTANCES = Number(values.instances);
for (const [name, v] of Object.entries({ tenants: N, latency: LATENCY, concurrency: CONCURRENCY, sample: SAMPLE, warmup: WARMUP, instances: INSTANCES })) {
  const zeroAllowed = name === "latency" || name === "warmup";
  if (!Number.isInteger(v) || v < (zeroAllowed ? 0 : 1)) {
    console.error(`--${name} must be a whole number${zeroAllowed ? "" : " above 0"}.`);
    process.exit(2);
  }
}
if (INSTANCES > 2) {
  console.error("--instances must be 1 (SQLite) or 2 (two portal processes on PostgreSQL).");
  process.exit(2);
}

const workDir = mkdtempSync(path.join(os.tmpdir(), "consentry-bench-"));
/** BENCH_PROFILE=<dir> writes CPU profiles of the emulator and the portal side there. */
const profile = process.env.BENCH_PROFILE ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : [];
const tenantId = (i: number) => `b0000000-0000-4000-8000-${String(i).padStart(12, "0")}`;

/** The scenario: a partner tenant, and N customer tenants consented to everything, with a directory role for Exchange. */
function writeScenario(): string {
  const allRoles = [
    { resource: "graph", roles: ["Organization.Read.All", "Domain.Read.All", "User.Read.All", "Application.Read.All", "Mail.Read", "Calendars.Read", "Contacts.Read"] },
    { resource: "exchange", roles: ["Exchange.ManageAsApp"] },
  ];
  const tenants = Array.from({ length: N + WARMUP }, (_, i) => ({
    id: tenantId(i),
    displayName: `Bench tenant ${i}`,
    initialDomain: `bench${i}.onmicrosoft.com`,
    users: [{ id: `c0000000-0000-4000-8000-${String(i).padStart(12, "0")}`, userPrincipalName: `admin@bench${i}.onmicrosoft.com`, displayName: "Admin", directoryRoles: ["Global Administrator"] }],
    consents: [{ clientId: APP, directoryRoles: ["Exchange Administrator"] }],
  }));
  const scenario = {
    apps: [{ clientId: APP, displayName: "Bench app", publisherName: "Bench", homeTenantId: PARTNER, secrets: [{ id: "bench", value: "bench-secret-value-0123456789" }], requiredResourceAccess: allRoles }],
    tenants: [{ id: PARTNER, displayName: "Partner", initialDomain: "benchpartner.onmicrosoft.com" }, ...tenants],
    faults: latencyFaults(),
  };
  const file = path.join(workDir, "scenario.json");
  writeFileSync(file, JSON.stringify(scenario));
  return file;
}

/**
 * The same latency on every HTTP request. A $batch is one request: the emulator gives it
 * the latency of its slowest inner request ("graph" faults), so a "batch" latency on top
 * would count it twice.
 */
function latencyFaults() {
  return LATENCY > 0 ? (["metadata", "token", "graph", "exchange"] as const).map((endpoint) => ({ endpoint, kind: "latency", latencyMs: LATENCY })) : [];
}

async function startEmulator(scenarioFile: string): Promise<{ child: ChildProcess; ready: Record<string, string> }> {
  const child = spawn(process.execPath, [...profile, "--import", "tsx", path.join(ROOT, "emulator/src/main.ts"), "--port", "0", "--scenario", scenarioFile, "--state-dir", path.join(workDir, "sandbox")], {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "inherit"],
  });
  const ready = await new Promise<Record<string, string>>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once("line", (line) => resolve(JSON.parse(line)));
    child.once("exit", (code) => reject(new Error(`the emulator exited (${code})`)));
  });
  return { child, ready };
}

/** Messages between the portal processes, relayed by the parent: the lead starts each run, helpers join it. */
type BenchMessage = { kind: "run"; id: string; phase: string } | { kind: "done"; id: string; rssMB: number } | { kind: "exit" };

// The portal side runs in children that trust the emulator's CA from their start.
if (process.env.BENCH_READY === undefined) {
  const scenarioFile = writeScenario();
  const { child: emulator, ready } = await startEmulator(scenarioFile);
  let databaseUrl = `file:${path.join(workDir, "bench.sqlite")}`;
  let postgres: { stop(): Promise<void> } | null = null;
  if (INSTANCES > 1) {
    const { createScratchDatabase, startPostgres } = await import("../tests/support/postgres-server");
    postgres = await startPostgres();
    databaseUrl = await createScratchDatabase((postgres as Awaited<ReturnType<typeof startPostgres>>).url, "bench");
  }
  const portal = (role: "lead" | "helper") =>
    fork(path.join(ROOT, "scripts/bench-probes.ts"), process.argv.slice(2), {
      cwd: ROOT,
      // The V8 flags of the server npm start runs (MAX_HEAP_MB's default), so the figures are the portal's.
      execArgv: [...profile, ...serverNodeFlags({ maxHeapMb: DEFAULT_MAX_HEAP_MB }), ...(process.env.BENCH_DEBUG ? ["--expose-gc"] : []), "--conditions=react-server", "--import", "tsx"],
      stdio: ["ignore", "inherit", "inherit", "ipc"],
      env: { ...process.env, BENCH_READY: JSON.stringify(ready), BENCH_DIR: workDir, BENCH_ROLE: role, BENCH_DATABASE_URL: databaseUrl, NODE_EXTRA_CA_CERTS: ready.caCertPath },
    });
  const lead = portal("lead");
  const helpers = Array.from({ length: INSTANCES - 1 }, () => portal("helper"));
  // The lead's runs go to every helper, the helpers' answers back to the lead.
  lead.on("message", (m: BenchMessage) => helpers.forEach((h) => h.send(m)));
  for (const h of helpers) h.on("message", (m: BenchMessage) => lead.send(m));
  const code = await new Promise<number>((resolve) => lead.once("exit", (c) => resolve(c ?? 1)));
  for (const h of helpers) h.kill("SIGTERM");
  emulator.kill("SIGTERM");
  await postgres?.stop();
  rmSync(workDir, { recursive: true, force: true });
  process.exit(code);
}

// ---------------------------------------------------------------- portal side
const ready = JSON.parse(process.env.BENCH_READY!) as Record<string, string>;
const dir = process.env.BENCH_DIR!;
Object.assign(process.env, {
  PORTAL_CLOUD: "sandbox",
  SANDBOX_AUTHORITY_HOST: ready.authorityHost,
  SANDBOX_LOGIN_HOST: ready.loginHost,
  AZURE_CLIENT_ID: APP,
  AZURE_CLIENT_SECRET: "bench-secret-value-0123456789",
  PARTNER_TENANT_ID: PARTNER,
  DATA_DIR: dir,
  DATABASE_URL: process.env.BENCH_DATABASE_URL!,
});
const ROLE = process.env.BENCH_ROLE === "helper" ? "helper" : "lead";

const { getDatabase } = await import("@/lib/db/database");
const { upsertTenant } = await import("@/lib/db/repositories/tenants");
const { createBulkRun } = await import("@/lib/db/repositories/bulk-runs");
const { ensureBulkWorker } = await import("@/lib/probes/bulk");
const { acquireAppToken } = await import("@/lib/identity/app-token");
const { probesFor } = await import("@/lib/probes/catalog");
const { getConfig } = await import("@/lib/config");
const { sql } = await import("kysely");

const { db } = await getDatabase();
const rss = () => Math.round(process.resourceUsage().maxRSS / 1024);

if (ROLE === "helper") {
  // A second instance: works each run the lead starts, then says so with its peak RSS.
  process.on("message", async (m: BenchMessage) => {
    if (m.kind !== "run") return;
    await ensureBulkWorker(db, m.id, { concurrency: CONCURRENCY, owner: `bench-helper-${m.phase}`, idleMs: 50 });
    process.send!({ kind: "done", id: m.id, rssMB: rss() } satisfies BenchMessage);
  });
  await new Promise(() => {}); // until the parent ends it
}

/** Helpers' answers by run. */
const helpersDone = new Map<string, { count: number; rssMB: number; resolve: () => void; done: Promise<void> }>();
function expectHelpers(id: string) {
  let resolve!: () => void;
  const done = new Promise<void>((r) => (resolve = r));
  const entry = { count: 0, rssMB: 0, resolve, done };
  if (INSTANCES === 1) resolve();
  helpersDone.set(id, entry);
  return entry;
}
process.on("message", (m: BenchMessage) => {
  const entry = m.kind === "done" ? helpersDone.get(m.id) : undefined;
  if (!entry || m.kind !== "done") return;
  entry.rssMB = Math.max(entry.rssMB, m.rssMB);
  if (++entry.count === INSTANCES - 1) entry.resolve();
});
let helperPeakRss = 0;

/** Works a bulk run here and, with --instances 2, in the helper too; resolves when the run is done everywhere. */
async function workEverywhere(id: string, phase: string): Promise<void> {
  const helpers = expectHelpers(id);
  if (INSTANCES > 1) process.send!({ kind: "run", id, phase } satisfies BenchMessage);
  await ensureBulkWorker(db, id, { concurrency: CONCURRENCY, owner: `bench-${phase}`, idleMs: 50 });
  await helpers.done;
  helperPeakRss = Math.max(helperPeakRss, helpers.rssMB);
}

// Tenants are seeded a few hundred per transaction (one commit each, not one per tenant).
for (let from = 0; from < N + WARMUP; from += 500) {
  await db.transaction().execute(async (trx) => {
    for (let i = from; i < Math.min(N + WARMUP, from + 500); i++) {
      await upsertTenant(trx, tenantId(i), { status: "consented", initialDomain: `bench${i}.onmicrosoft.com`, testMailbox: `admin@bench${i}.onmicrosoft.com` });
    }
  });
}
const probes = probesFor(getConfig().appPermissions);
const probesPerTenant = probes.length + 2; // plus the Graph and Exchange token checks

// Warm-up: the portal reads the cloud's OpenID metadata once, and a bulk run over tenants
// that are not measured compiles the hot code in both processes.
await acquireAppToken(tenantId(WARMUP > 0 ? N : 0), "graph");
if (WARMUP > 0) {
  const warm = await createBulkRun(db, "bench-warmup", Array.from({ length: WARMUP }, (_, i) => tenantId(N + i)));
  await workEverywhere(warm.id, "warmup");
}

/** One request per probe, one tenant after another, no batching: what a simple script does. */
async function naiveSample(): Promise<number> {
  const started = performance.now();
  for (let n = 0; n < SAMPLE; n++) {
    // Warm-up tenants when there are enough, so the measured ones start with empty caches.
    const i = n < WARMUP ? N + n : n;
    const t = tenantId(i);
    const graph = await acquireAppToken(t, "graph", { fresh: true });
    for (const p of probes) {
      if (p.kind === "graph") {
        const url = `${ready.graphHost}/v1.0${p.path({ clientId: APP, mailbox: `admin@bench${i}.onmicrosoft.com`, initialDomain: `bench${i}.onmicrosoft.com` })}`;
        await (await fetch(url, { headers: { authorization: `Bearer ${graph.accessToken}` } })).arrayBuffer();
      } else if (p.kind === "exchange") {
        const exchange = await acquireAppToken(t, "exchange", { fresh: true });
        await (
          await fetch(`${ready.exchangeHost}/adminapi/beta/bench${i}.onmicrosoft.com/InvokeCommand`, {
            method: "POST",
            headers: { authorization: `Bearer ${exchange.accessToken}`, "content-type": "application/json" },
            body: JSON.stringify({ CmdletInput: { CmdletName: p.cmdlet, Parameters: {} } }),
          })
        ).arrayBuffer();
      }
    }
  }
  return ((performance.now() - started) / 1000 / SAMPLE) * N;
}

async function emulatorState(): Promise<{ cpuMs: number; eventLoop: { idle: number; active: number }; requests: Record<string, number> }> {
  return (await fetch(`${ready.authorityHost}/_emulator/state`)).json();
}

async function phase(name: string) {
  const emu0 = process.env.BENCH_DEBUG ? await emulatorState() : null;
  const cpu0 = process.cpuUsage();
  const loop0 = performance.eventLoopUtilization();
  const run = await createBulkRun(db, "bench", Array.from({ length: N }, (_, i) => tenantId(i)));
  const started = performance.now();
  await workEverywhere(run.id, name);
  const wall = (performance.now() - started) / 1000;
  if (process.env.BENCH_DEBUG) {
    const cpu = process.cpuUsage(cpu0);
    const loop = performance.eventLoopUtilization(loop0);
    const emu = await emulatorState();
    const emuLoop = (emu.eventLoop.active - emu0!.eventLoop.active) / (emu.eventLoop.active + emu.eventLoop.idle - emu0!.eventLoop.active - emu0!.eventLoop.idle);
    const latencies = await db
      .selectFrom("probe_results")
      .innerJoin("probe_runs", "probe_runs.id", "probe_results.run_id")
      .select((eb) => ["probe_results.probe", eb.fn.avg<number>("probe_results.latency_ms").as("avg"), eb.fn.max<number>("probe_results.latency_ms").as("max")])
      .where("probe_runs.bulk_run_id", "=", run.id)
      .groupBy("probe_results.probe")
      .execute();
    console.log(`[debug] ${name}: mean latency per probe (ms): ${latencies.map((l) => `${l.probe} ${Math.round(l.avg)} (max ${l.max})`).join(", ")}`);
    (globalThis as { gc?: () => void }).gc?.();
    const memory = process.memoryUsage();
    console.log(`[debug] ${name}: after a full collection, heap ${Math.round(memory.heapUsed / 2 ** 20)} MB of ${Math.round(memory.heapTotal / 2 ** 20)} MB, external ${Math.round(memory.external / 2 ** 20)} MB, RSS ${Math.round(memory.rss / 2 ** 20)} MB`);
    console.log(
      `[debug] ${name}: portal CPU ${((cpu.user + cpu.system) / 1000).toFixed(0)} ms, emulator CPU ${emu.cpuMs - emu0!.cpuMs} ms, wall ${(wall * 1000).toFixed(0)} ms; main-thread utilisation: portal ${loop.utilization.toFixed(2)}, emulator ${emuLoop.toFixed(2)}`,
    );
  }
  const failed = await db
    .selectFrom("probe_results")
    .innerJoin("probe_runs", "probe_runs.id", "probe_results.run_id")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("probe_runs.bulk_run_id", "=", run.id)
    .where("probe_results.outcome", "!=", "pass")
    .executeTakeFirstOrThrow();
  // The longest any one tenant took: under throttling, its chain of Retry-After waits bounds the wall.
  // Computed by the database: the benchmark holds no per-tenant rows either.
  const seconds =
    INSTANCES > 1
      ? sql<number>`max(extract(epoch from (coalesce(finished_at, started_at)::timestamptz - started_at::timestamptz)))`
      : sql<number>`max((julianday(coalesce(finished_at, started_at)) - julianday(started_at)) * 86400)`;
  const slowest = Number((await db.selectFrom("probe_runs").select(seconds.as("s")).where("bulk_run_id", "=", run.id).executeTakeFirstOrThrow()).s ?? 0);
  // Which instance finished how many tenants.
  const byInstance = await db.selectFrom("bulk_run_items").select((eb) => ["finished_by", eb.fn.countAll<number>().as("n")]).where("bulk_run_id", "=", run.id).groupBy("finished_by").execute();
  const tenantsPerInstance = byInstance.map((r) => Number(r.n)).sort((a, b) => b - a);
  return { wall, failedProbes: Number(failed.n), slowest: Number(slowest.toFixed(3)), tenantsPerInstance };
}

const limit = (N * 2 * LATENCY) / 1000 / (CONCURRENCY * INSTANCES);
const naive = await naiveSample();
/** wall ÷ limit, or null when there is no latency and so no limit. */
const overLimit = (wall: number) => (limit > 0 ? Number((wall / limit).toFixed(2)) : null);
const peakRss = () => Math.max(rss(), helperPeakRss);

const normal = await phase("normal");
type Phase = Awaited<ReturnType<typeof phase>>;
const line = (label: string, r: Phase) =>
  `${label.padEnd(22)} tenants=${N} probes=${N * probesPerTenant} wall=${r.wall.toFixed(2)}s limit=${limit.toFixed(2)}s naive=${naive.toFixed(1)}s wall/limit=${overLimit(r.wall) ?? "n/a (no latency)"} naive/wall=${(naive / r.wall).toFixed(0)} failed=${r.failedProbes} slowestTenant=${r.slowest.toFixed(2)}s peakRSS=${peakRss()}MB${INSTANCES > 1 ? ` perInstance=${r.tenantsPerInstance.join("/")}` : ""}`;
console.log(line("no faults", normal));
if (process.env.BENCH_DEBUG) console.log(JSON.stringify((await emulatorState()).requests));

await fetch(`${ready.authorityHost}/_emulator/faults`, {
  method: "PUT",
  headers: { "content-type": "application/json" },
  body: JSON.stringify({ faults: [...latencyFaults(), { endpoint: "graph", kind: "throttle", rate: 0.1, retryAfterSeconds: 1 }] }),
});
const throttled = await phase("429");
console.log(line("10% Graph 429 (1 s)", throttled));

const figures = (r: Phase) => ({
  wallSeconds: Number(r.wall.toFixed(3)),
  wallOverLimit: overLimit(r.wall),
  naiveOverWall: Number((naive / r.wall).toFixed(1)),
  failedProbes: r.failedProbes,
  slowestTenantSeconds: r.slowest,
  ...(INSTANCES > 1 ? { tenantsPerInstance: r.tenantsPerInstance } : {}),
});
console.log(
  JSON.stringify({
    tenants: N,
    probesPerTenant,
    latencyMs: LATENCY,
    concurrency: CONCURRENCY,
    limitSeconds: Number(limit.toFixed(3)),
    naiveSeconds: Number(naive.toFixed(2)),
    naiveSampleTenants: SAMPLE,
    warmupTenants: WARMUP,
    instances: INSTANCES,
    database: INSTANCES > 1 ? "postgres" : "sqlite",
    normal: figures(normal),
    throttled: figures(throttled),
    peakRssMB: peakRss(),
    ...(INSTANCES > 1 ? { peakRssMBPerInstance: [rss(), helperPeakRss] } : {}),
  }),
);
process.exit(0);
