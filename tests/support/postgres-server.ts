import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import pg from "pg";

/**
 * A throwaway PostgreSQL server for tests: initdb into a temp folder, listen on a free
 * loopback port, stop and delete on `stop()`. Uses the Debian server binaries (or any
 * on PATH). PostgreSQL refuses to run as root, so as root it runs as the `postgres`
 * system user.
 */
export interface PostgresServer {
  /** Superuser URL of the `postgres` database. */
  url: string;
  version: string;
  stop(): Promise<void>;
}

export function findPostgresBinDir(): string | null {
  const candidates: string[] = [];
  for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
    if (dir && existsSync(path.join(dir, "initdb")) && existsSync(path.join(dir, "postgres"))) candidates.push(dir);
  }
  const debianRoot = "/usr/lib/postgresql";
  if (existsSync(debianRoot)) {
    const versions = readdirSync(debianRoot)
      .filter((v) => existsSync(path.join(debianRoot, v, "bin", "initdb")))
      .sort((a, b) => Number(b) - Number(a));
    for (const v of versions) candidates.push(path.join(debianRoot, v, "bin"));
  }
  return candidates[0] ?? null;
}

/** A free TCP port on the loopback address. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** As root, the uid/gid of the `postgres` system user; otherwise nothing (run as ourselves). */
function serviceUser(): { uid: number; gid: number } | Record<string, never> {
  if (process.getuid?.() !== 0) return {};
  try {
    const uid = Number(execFileSync("id", ["-u", "postgres"]).toString().trim());
    const gid = Number(execFileSync("id", ["-g", "postgres"]).toString().trim());
    return { uid, gid };
  } catch {
    throw new Error("Tests run as root, and PostgreSQL refuses root; create the postgres system user (apt-get install -y postgresql does).");
  }
}

export async function startPostgres(): Promise<PostgresServer> {
  const binDir = findPostgresBinDir();
  if (!binDir) {
    throw new Error(
      "PostgreSQL server binaries (initdb, postgres) were not found on PATH or under /usr/lib/postgresql. Install them: apt-get install -y postgresql",
    );
  }
  const root = mkdtempSync(path.join(os.tmpdir(), "consentry-pg-"));
  const dataDir = path.join(root, "data");
  const user = serviceUser();
  if ("uid" in user) chownSync(root, user.uid, user.gid);
  execFileSync(path.join(binDir, "initdb"), ["-D", dataDir, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync"], {
    stdio: "pipe",
    cwd: root,
    ...user,
  });
  const version = execFileSync(path.join(binDir, "postgres"), ["--version"]).toString().trim();

  const port = await freePort();
  const args = ["-D", dataDir, "-p", String(port), "-h", "127.0.0.1", "-k", root,
    "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off", "-c", "max_connections=200"];
  // Spawned directly (not through su/runuser) so our signals reach the postmaster itself.
  const child: ChildProcess = spawn(path.join(binDir, "postgres"), args, { stdio: ["ignore", "ignore", "pipe"], cwd: root, ...user });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));

  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`PostgreSQL exited during start-up:\n${stderr}`);
    const client = new pg.Client({ connectionString: url });
    try {
      await client.connect();
      await client.end();
      break;
    } catch {
      await client.end().catch(() => {});
      if (Date.now() > deadline) {
        child.kill("SIGKILL");
        throw new Error(`PostgreSQL did not accept connections within 30 s:\n${stderr}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  return {
    url,
    version,
    async stop() {
      if (child.exitCode === null) {
        child.kill("SIGINT"); // fast shutdown
        const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** Creates a fresh, empty database on the server and returns its URL. */
export async function createScratchDatabase(serverUrl: string, prefix = "t"): Promise<string> {
  const name = `${prefix}_${Math.random().toString(36).slice(2, 12)}`;
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(`create database ${name}`);
  } finally {
    await client.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}
