import path from "node:path";

/** Where the portal keeps its data: an SQLite file, or a PostgreSQL database. */
export type DatabaseSettings =
  | { engine: "sqlite"; path: string }
  | { engine: "postgres"; url: string; /** For logs and pages: the password is masked. */ display: string };

/**
 * Reads DATABASE_URL: `postgres://` or `postgresql://` (PostgreSQL), or `file:` (an SQLite file,
 * relative to `baseDir`). Returns the settings, or what is wrong with the value.
 */
export function parseDatabaseUrl(raw: string, baseDir: string): DatabaseSettings | string {
  if (/^postgres(ql)?:\/\//i.test(raw)) {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      return "is not a valid PostgreSQL URL.";
    }
    if (!url.hostname) return "names no PostgreSQL host.";
    if (url.pathname.replace(/^\//, "") === "") return "names no database (add /<database> after the host).";
    const display = new URL(raw);
    if (display.password) display.password = "****";
    return { engine: "postgres", url: raw, display: display.toString() };
  }
  const sqlite = /^(?:file|sqlite):(.+)$/i.exec(raw);
  if (sqlite) {
    let file = sqlite[1]!;
    if (file.startsWith("//")) file = file.slice(2);
    if (file === "" || file.endsWith("/")) return "names no SQLite file.";
    if (file === ":memory:") return { engine: "sqlite", path: ":memory:" };
    return { engine: "sqlite", path: path.resolve(baseDir, file) };
  }
  return "must start with postgres:// or postgresql:// (PostgreSQL) or file: (an SQLite file).";
}
