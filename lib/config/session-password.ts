import "server-only";

import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

/**
 * In the sandbox the session password is generated once and kept in the data folder, so a
 * demo needs no setup and sessions survive restarts. Parsing the settings only reads it;
 * {@link ensureSandboxSessionPassword}, run once at start-up, writes it.
 */
export function sessionPasswordFile(dataDir: string): string {
  return path.join(dataDir, "session-password");
}

/** The kept password, or what is wrong (no file, or one too short). Writes nothing. */
export function readSandboxSessionPassword(dataDir: string): { password: string } | { error: string } {
  const file = sessionPasswordFile(dataDir);
  let kept: string;
  try {
    kept = readFileSync(file, "utf8").trim();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "error";
    return { error: `is unset and no generated one can be read from ${file} (${code}); make the data folder writable (the portal keeps one there from its first start) or set SESSION_PASSWORD.` };
  }
  if (kept.length < 32) return { error: `is unset and ${file} holds fewer than 32 characters; delete the file to have a new one generated, or set SESSION_PASSWORD.` };
  return { password: kept };
}

/**
 * Generates the sandbox's session password into the data folder (mode 0600) unless a usable
 * one is kept there. A failure is not thrown: parsing then names the problem and the fix.
 */
export function ensureSandboxSessionPassword(dataDir: string): void {
  const file = sessionPasswordFile(dataDir);
  try {
    if (existsSync(file) && readFileSync(file, "utf8").trim().length >= 32) return;
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(file, `${randomBytes(32).toString("base64url")}\n`, { mode: 0o600 });
    chmodSync(file, 0o600);
  } catch {
    // Reported by parseConfig, which reads the file and says what to do.
  }
}
