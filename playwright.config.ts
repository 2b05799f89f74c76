import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { defineConfig } from "@playwright/test";

/**
 * Browser tests drive the system's Chromium (Debian's `chromium` package); nothing is
 * downloaded. The harness (scripts/test.mjs) picks the port and data folder and passes
 * them in the environment, so every Playwright process agrees on them.
 */
function findChromium(): string {
  if (process.env.CHROMIUM_PATH) return process.env.CHROMIUM_PATH;
  for (const name of ["chromium", "chromium-browser"]) {
    try {
      const found = execFileSync("sh", ["-c", `command -v ${name}`]).toString().trim();
      if (found) return found;
    } catch {
      // not on PATH
    }
  }
  if (existsSync("/usr/bin/chromium")) return "/usr/bin/chromium";
  throw new Error("Chromium was not found. Install it (apt-get install -y chromium) or set CHROMIUM_PATH.");
}

const port = Number(process.env.E2E_PORT ?? 3210);
const emulatorPort = Number(process.env.E2E_EMULATOR_PORT ?? port + 1);
const emulatorHttpPort = Number(process.env.E2E_EMULATOR_HTTP_PORT ?? port + 2);
const baseURL = `http://127.0.0.1:${port}`;
const dataDir = process.env.E2E_DATA_DIR ?? path.resolve("test-results", `e2e-data-${port}`);
const emulatorDir = path.join(dataDir, "sandbox");
// Tests read where the sandbox cloud listens from here.
process.env.E2E_EMULATOR_LOGIN_HOST = `http://127.0.0.1:${emulatorHttpPort}`;
process.env.E2E_PORTAL_URL = baseURL;

export default defineConfig({
  testDir: "tests/e2e",
  outputDir: "test-results/e2e-artifacts",
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [["list"], ["json", { outputFile: process.env.E2E_JSON_OUTPUT ?? "test-results/e2e.json" }]],
  use: {
    baseURL,
    browserName: "chromium",
    trace: "retain-on-failure",
    launchOptions: {
      executablePath: findChromium(),
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-quic",
      ],
    },
  },
  webServer: [
    {
      // The sandbox cloud first: the portal trusts its CA from the moment it starts.
      command: `node --import tsx emulator/src/main.ts --port ${emulatorPort} --http-port ${emulatorHttpPort} --state-dir ${emulatorDir}`,
      url: `http://127.0.0.1:${emulatorHttpPort}/common/discovery/instance`,
      reuseExistingServer: false,
      timeout: 60_000,
      stdout: "ignore",
      stderr: "pipe",
    },
    {
      command: "node --conditions=react-server --import tsx scripts/start.ts",
      url: `${baseURL}/api/health`,
      reuseExistingServer: false,
      timeout: 120_000,
      stdout: "pipe",
      stderr: "pipe",
      env: {
        PORT: String(port),
        HOST: "127.0.0.1",
        PUBLIC_BASE_URL: baseURL,
        DATA_DIR: dataDir,
        NEXT_TELEMETRY_DISABLED: "1",
        PORTAL_CLOUD: "sandbox",
        SANDBOX_AUTHORITY_HOST: `https://127.0.0.1:${emulatorPort}`,
        SANDBOX_LOGIN_HOST: `http://127.0.0.1:${emulatorHttpPort}`,
        NODE_EXTRA_CA_CERTS: path.join(emulatorDir, "ca", "ca.pem"),
      },
    },
  ],
});
