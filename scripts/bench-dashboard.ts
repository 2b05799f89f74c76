// npm run bench:dashboard -- [--tenants 10000] [--requests 100] [--database sqlite|postgres]
//
// Seeds N tenants (each with a probe run, its results — a fifth failing with a finding — and the
// invite that onboarded it) into a fresh database (SQLite; PostgreSQL with --database), starts the
// production build against the sandbox cloud, signs in through the sandbox's sign-in page as the
// demo's admin (a real authorization-code flow over HTTP), and measures in one run the p50/p95 response time of: the
// first dashboard page (and when its first bytes arrived), a filtered search, the API's list page
// (with an API key), the first page of invites, the CSV export of every tenant, and /signin (a page
// of the same app that reads no tenant) as the reference. Two more figures say where a page's time
// goes: /api/health (proxy and a route handler, nothing rendered or read) and the dashboard with a
// filter that matches no tenant (everything but the rows). Prints a line per figure and, last, one
// JSON object with them, dashboardP95OverStatic and the portal's peak RSS. Targets on this machine:
// dashboard p95 <= 3 x static, CSV of 10,000 <= 2 s, RSS <= 300 MB. `--database postgres` runs the
// same on a throwaway PostgreSQL server (Debian's binaries) instead of the embedded SQLite.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { createInterface } from "node:readline";
import { parseArgs } from "node:util";

import { createApiKey } from "@/lib/auth/api-keys";
import { openDatabase } from "@/lib/db/database";
import { migrateToLatest } from "@/lib/db/migrate";
import { currentPermissionSet } from "@/lib/permissions/permission-set";

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
const ALICE = "a1000000-0000-4000-8000-000000000001";
const FINDINGS = ["mailbox_on_premises", "permission_not_granted", "ews_blocked", "access_policy_denies"];

const USAGE = "Usage: npm run bench:dashboard -- [--tenants 10000] [--requests 100] [--database sqlite|postgres]";
let values: { tenants: string; requests: string; database: string };
try {
  values = parseArgs({ options: { tenants: { type: "string", default: "10000" }, requests: { type: "string", default: "100" }, database: { type: "string", default: "sqlite" } } }).values as typeof values;
} catch (error) {
  console.error(`${(error as Error).message.split("\n")[0]}\n${USAGE}`);
  process.exit(2);
}
if (values.database !== "sqlite" && values.database !== "postgres") {
  console.error(`--database must be sqlite or postgres.\n${USAGE}`);
  process.exit(2);
}
const ENGINE = values.database;
const N = Number(values.tenants);
const REQUESTS = Number(values.requests);
if (!Number.isInteger(N) || N < 1 || !Number.isInteger(REQUESTS) || REQUESTS < 5) {
  console.error("--tenants must be a whole number above 0 and --requests at least 5.");
  process.exit(2);
}

const dataDir = mkdtempSync(path.join(os.tmpdir(), "consentry-bench-dashboard-"));
const children: ChildProcess[] = [];
const stop = () => children.forEach((c) => c.exitCode === null && c.kill("SIGTERM"));
process.on("exit", () => {
  stop();
  rmSync(dataDir, { recursive: true, force: true });
});

// A throwaway PostgreSQL server when asked for (stopped and deleted at the end).
let postgres: { stop(): Promise<void> } | null = null;
let databaseUrl = `file:${path.join(dataDir, "consentry.sqlite")}`;
if (ENGINE === "postgres") {
  const { createScratchDatabase, startPostgres } = await import("../tests/support/postgres-server");
  const server = await startPostgres();
  postgres = server;
  databaseUrl = await createScratchDatabase(server.url, "bench");
}

async function seed(): Promise<string> {
  const handle = await openDatabase(ENGINE === "postgres" ? { engine: "postgres", url: databaseUrl, display: "bench" } : { engine: "sqlite", path: path.join(dataDir, "consentry.sqlite") });
  await migrateToLatest(handle.db, ENGINE);
  // The permission set the invites name (the portal would record it from the registration at start).
  await currentPermissionSet(handle.db);
  const started = performance.now();
  const at = (i: number) => new Date(Date.UTC(2026, 10, 1) + i * 60_000).toISOString();
  for (let from = 0; from < N; from += 500) {
    const ids = Array.from({ length: Math.min(500, N - from) }, (_, k) => from + k);
    const tid = (i: number) => `d0000000-0000-4000-8000-${String(i).padStart(12, "0")}`;
    const rid = (i: number) => `e0000000-0000-4000-8000-${String(i).padStart(12, "0")}`;
    await handle.db.transaction().execute(async (trx) => {
      await trx
        .insertInto("tenants")
        .values(ids.map((i) => ({ id: tid(i), display_name: `Customer ${String(i).padStart(5, "0")}`, initial_domain: `customer${i}.onmicrosoft.com`, default_domain: `customer${i}.example`, status: i % 50 === 0 ? "revoked" : "consented", consented_permission_set_version: null, roles: JSON.stringify(["Organization.Read.All", "User.Read.All", "Mail.Read"]), test_mailbox: null, consented_by: null, consented_by_oid: null, consented_by_upn: null, consented_at: at(i), verified_at: at(i), last_probe_run_id: null, created_at: at(i), updated_at: at(i) })))
        .execute();
      await trx
        .insertInto("probe_runs")
        .values(ids.map((i) => ({ id: rid(i), tenant_id: tid(i), bulk_run_id: null, trigger: "bulk" as const, iterations: 1, status: i % 5 === 0 ? ("failed" as const) : ("passed" as const), started_at: at(i), finished_at: at(i), summary: JSON.stringify({ iterations: 1, probes: {}, tokenRoles: [], exchangeTokenRoles: null, grantedRoles: null, findings: [], mailbox: null }) })))
        .execute();
      await trx
        .insertInto("probe_results")
        .values(
          ids.flatMap((i) =>
            ["token", "organization", "mail"].map((probe, k) => {
              const failed = i % 5 === 0 && probe === "mail";
              return { id: `f${String(k)}000000-0000-4000-8000-${String(i).padStart(12, "0")}`, run_id: rid(i), iteration: 1, probe, permission: probe === "mail" ? "Mail.Read" : null, outcome: failed ? ("fail" as const) : ("pass" as const), http_status: failed ? 404 : 200, latency_ms: 40, request_id: null, error_code: failed ? "MailboxNotEnabledForRESTAPI" : null, error_message: null, finding: failed ? JSON.stringify({ id: FINDINGS[i % FINDINGS.length], title: "t", evidence: [], actor: "customer_admin", fix: "f", known: true }) : null, created_at: at(i) };
            }),
          ),
        )
        .execute();
      for (const i of ids) await trx.updateTable("tenants").set({ last_probe_run_id: rid(i), last_check_status: i % 5 === 0 ? "failed" : "passed", last_check_at: at(i) }).where("id", "=", tid(i)).execute();
      const set = await trx.selectFrom("permission_sets").select("version").orderBy("version", "desc").executeTakeFirstOrThrow();
      {
        await trx
          .insertInto("invites")
          .values(ids.map((i) => ({ id: `c0000000-0000-4000-8000-${String(i).padStart(12, "0")}`, code_hash: `seed-${i}`, customer_name: `Customer ${String(i).padStart(5, "0")} Ltd`, tenant_hint: null, permission_set_version: set.version, created_by: "bench", created_at: at(i), expires_at: at(i + 20_000), revoked_at: null, revoked_by: null, opened_at: at(i), consented_at: at(i), failed_at: null, last_error: null, tenant_id: tid(i) })))
          .execute();
      }
    });
  }
  const { key } = await createApiKey(handle.db, { name: "bench", role: "reader" }, "bench");
  await handle.close();
  console.log(`seeded ${N} tenants (with runs, results and invites) in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return key;
}

function lineOf(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    createInterface({ input: child.stdout! }).once("line", resolve);
    child.once("exit", () => reject(new Error("exited before it was ready")));
  });
}

/** A cookie jar for one origin: enough for the sign-in's two cookies. */
const jar = new Map<string, string>();
function remember(response: Response) {
  for (const header of response.headers.getSetCookie()) {
    const [pair] = header.split(";");
    const [name, ...rest] = pair!.split("=");
    jar.set(name!.trim(), rest.join("="));
  }
}
const cookieHeader = () => [...jar].map(([k, v]) => `${k}=${v}`).join("; ");

async function signIn(portal: string): Promise<void> {
  const start = await fetch(`${portal}/auth/signin?returnTo=%2Fdashboard`, { redirect: "manual" });
  remember(start);
  const authorize = start.headers.get("location")!;
  const picker = await (await fetch(authorize)).text();
  const action = /<form method="post" action="([^"]+)"/.exec(picker)?.[1];
  if (!action) throw new Error("The sandbox's sign-in page has no form.");
  const fields = new URLSearchParams([...picker.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map((m) => [m[1]!, m[2]!.replace(/&amp;/g, "&").replace(/&quot;/g, '"')] as [string, string]));
  fields.set("login_user", ALICE);
  const answer = await fetch(new URL(action, authorize), { method: "POST", body: fields, redirect: "manual" });
  let callback: Response;
  if (answer.status >= 300 && answer.status < 400) {
    callback = await fetch(answer.headers.get("location")!, { headers: { cookie: cookieHeader() }, redirect: "manual" });
  } else {
    const html = await answer.text();
    const target = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
    const posted = new URLSearchParams([...html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map((m) => [m[1]!, m[2]!] as [string, string]));
    callback = await fetch(target!, { method: "POST", body: posted, headers: { cookie: cookieHeader() }, redirect: "manual" });
  }
  remember(callback);
  const dashboard = await fetch(`${portal}/dashboard`, { headers: { cookie: cookieHeader() }, redirect: "manual" });
  if (dashboard.status !== 200) throw new Error(`Signing in did not give a dashboard session (GET /dashboard answered ${dashboard.status}).`);
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

interface Target {
  name: string;
  url: string;
  headers: Record<string, string>;
  check: (r: Response, body: string) => void;
  /** Also report the time to the response's first body bytes (what streaming would bring forward). */
  firstByte?: boolean;
}

interface Timing {
  ms: number;
  firstByteMs: number;
  bytes: number;
}

async function timeOne(target: Target): Promise<Timing> {
  const t = performance.now();
  const response = await fetch(target.url, { headers: target.headers });
  const reader = response.body!.getReader();
  const chunks: Uint8Array[] = [];
  let firstByteMs = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (chunks.length === 0) firstByteMs = performance.now() - t;
    chunks.push(value);
  }
  const ms = performance.now() - t;
  const body = Buffer.concat(chunks);
  target.check(response, body.toString("utf8"));
  return { ms, firstByteMs, bytes: body.length };
}

interface Figures {
  p50: number;
  p95: number;
  firstByte?: { p50: number; p95: number };
  /** The body's size (uncompressed), from the last request. */
  kb: number;
}

function summarize(target: Target, timings: Timing[]): Figures {
  const pick = (values: number[]) => {
    values.sort((a, b) => a - b);
    return { p50: Math.round(percentile(values, 50)), p95: Math.round(percentile(values, 95)) };
  };
  const figures: Figures = { ...pick(timings.map((t) => t.ms)), kb: Math.round(timings[timings.length - 1]!.bytes / 1024) };
  let line = `${target.name.padEnd(24)} p50 ${String(figures.p50).padStart(5)} ms   p95 ${String(figures.p95).padStart(5)} ms`;
  if (target.firstByte) {
    figures.firstByte = pick(timings.map((t) => t.firstByteMs));
    line += `   first bytes p50 ${figures.firstByte.p50} ms, p95 ${figures.firstByte.p95} ms, ${figures.kb} KB`;
  }
  console.log(`${line}   (${timings.length} requests)`);
  return figures;
}

/**
 * Times the targets in turns (one request to each, then the next round), so every figure, and the
 * reference above all, is measured under the same conditions: a burst of other work on the
 * machine slows a round, not one page's whole series.
 */
async function measureInTurns<T extends Target[]>(targets: [...T], rounds: number): Promise<{ [K in keyof T]: Figures }> {
  for (const target of targets) for (let i = 0; i < 3; i++) await timeOne(target); // warm-up
  const timings = targets.map(() => [] as Timing[]);
  for (let round = 0; round < rounds; round++) {
    for (const [i, target] of targets.entries()) timings[i]!.push(await timeOne(target));
  }
  return targets.map((target, i) => summarize(target, timings[i]!)) as { [K in keyof T]: Figures };
}

function peakRssMb(pid: number): number | null {
  try {
    const kb = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1];
    return kb ? Math.round(Number(kb) / 1024) : null;
  } catch {
    return null;
  }
}

const { ensureBuilt } = (await import(path.join(ROOT, "scripts/lib/setup.mjs"))) as { ensureBuilt(): void };
ensureBuilt();
const apiKey = await seed();

const emulator = spawn(process.execPath, ["--import", "tsx", path.join(ROOT, "emulator/src/main.ts"), "--port", "0", "--state-dir", path.join(dataDir, "sandbox")], { cwd: ROOT, stdio: ["ignore", "pipe", "inherit"] });
children.push(emulator);
const ready = JSON.parse(await lineOf(emulator)) as { authorityHost: string; graphHost: string; exchangeHost: string; loginHost: string; caCertPath: string; credentialsPath: string };
const app = (JSON.parse(readFileSync(ready.credentialsPath, "utf8")) as { apps: { clientId: string; certificates: { path: string }[] }[] }).apps[0]!;
const port = String(20_000 + Math.floor(Math.random() * 20_000));
const portalProcess = spawn(process.execPath, ["--conditions=react-server", "--import", "tsx", path.join(ROOT, "scripts/start.ts")], {
  cwd: ROOT,
  stdio: ["ignore", "ignore", "inherit"],
  env: { ...process.env, PORT: port, PORTAL_CLOUD: "sandbox", DATA_DIR: dataDir, DATABASE_URL: databaseUrl, SANDBOX_AUTHORITY_HOST: ready.authorityHost, SANDBOX_GRAPH_HOST: ready.graphHost, SANDBOX_EXCHANGE_HOST: ready.exchangeHost, SANDBOX_LOGIN_HOST: ready.loginHost, NODE_EXTRA_CA_CERTS: ready.caCertPath, AZURE_CLIENT_ID: app.clientId, AZURE_CLIENT_SECRET: "", AZURE_CLIENT_CERTIFICATE_PATH: app.certificates[0]?.path ?? "", NEXT_TELEMETRY_DISABLED: "1" },
});
children.push(portalProcess);
const portal = `http://127.0.0.1:${port}`;
for (let waited = 0; ; waited += 250) {
  const ok = await fetch(`${portal}/api/health`).then((r) => r.ok, () => false);
  if (ok) break;
  if (waited > 120_000) throw new Error("The portal did not become healthy within 2 minutes.");
  await new Promise((r) => setTimeout(r, 250));
}
await signIn(portal);

const session = { cookie: cookieHeader() };
const expectOk = (r: Response) => {
  if (!r.ok) throw new Error(`${r.url} answered ${r.status}`);
};
const dashboardRows = (r: Response, body: string) => {
  expectOk(r);
  if (!body.includes('data-testid="tenants"')) throw new Error("The dashboard did not list tenants.");
};
const [health, staticPage, noRows, dashboard, search, api, invites] = await measureInTurns(
  [
    // The floor of any request: proxy.ts and a route handler that reads no data and renders nothing.
    { name: "liveness (/api/health)", url: `${portal}/api/health`, headers: {}, check: expectOk },
    { name: "static page (/signin)", url: `${portal}/signin`, headers: {}, check: expectOk },
    // The dashboard's fixed part: session, layout, counts, filters; a filter that matches no tenant.
    { name: "dashboard, no rows", url: `${portal}/dashboard?status=deleted`, headers: session, check: expectOk },
    { name: "dashboard, first page", url: `${portal}/dashboard`, headers: session, check: dashboardRows, firstByte: true },
    { name: "dashboard, filtered", url: `${portal}/dashboard?q=customer%20012&check=failing&finding=mailbox_on_premises`, headers: session, check: expectOk },
    { name: "API list page", url: `${portal}/api/v1/tenants?limit=50&sort=-lastCheck`, headers: { authorization: `Bearer ${apiKey}` }, check: expectOk },
    {
      name: "invites, first page",
      url: `${portal}/dashboard/invites`,
      headers: session,
      check: (r, body) => {
        expectOk(r);
        if (!body.includes('data-testid="invites"')) throw new Error("The Invites page did not list invites.");
      },
    },
  ],
  REQUESTS,
);
const [csv] = await measureInTurns(
  [
    {
      name: `CSV of ${N} tenants`,
      url: `${portal}/api/v1/tenants.csv`,
      headers: { authorization: `Bearer ${apiKey}` },
      check: (r, body) => {
        expectOk(r);
        const rows = body.split("\r\n").length - 2;
        if (rows < N * 0.9) throw new Error(`The CSV held ${rows} tenants.`);
      },
    },
  ],
  Math.max(5, Math.round(REQUESTS / 8)),
);
const rss = peakRssMb(portalProcess.pid!);
const result = {
  tenants: N,
  database: ENGINE,
  healthP50Ms: health.p50,
  healthP95Ms: health.p95,
  staticP50Ms: staticPage.p50,
  staticP95Ms: staticPage.p95,
  dashboardNoRowsP50Ms: noRows.p50,
  dashboardNoRowsP95Ms: noRows.p95,
  dashboardP50Ms: dashboard.p50,
  dashboardP95Ms: dashboard.p95,
  dashboardFirstBytesP50Ms: dashboard.firstByte!.p50,
  dashboardFirstBytesP95Ms: dashboard.firstByte!.p95,
  dashboardPageKB: dashboard.kb,
  searchP50Ms: search.p50,
  searchP95Ms: search.p95,
  apiListP50Ms: api.p50,
  apiListP95Ms: api.p95,
  invitesP50Ms: invites.p50,
  invitesP95Ms: invites.p95,
  csvP50Ms: csv.p50,
  csvP95Ms: csv.p95,
  dashboardP95OverStatic: Number((dashboard.p95 / Math.max(1, staticPage.p95)).toFixed(2)),
  portalPeakRssMB: rss,
};
console.log(`dashboard p95 / static p95 = ${result.dashboardP95OverStatic} (target <= 3); CSV p95 ${csv.p95} ms (target <= 2000); portal peak RSS ${rss ?? "?"} MB (target <= 300)`);
console.log(JSON.stringify(result));
stop();
await postgres?.stop();
process.exit(0);
