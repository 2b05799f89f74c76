import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { inject } from "vitest";

import { parseScenario, type Scenario } from "../../emulator/src/scenario";
import { startEmulator, type EmulatorOptions, type RunningEmulator } from "../../emulator/src/start-emulator";
import { ROOT } from "./run-script";

export const DEMO_APP_ID = "5e0c1d2a-7b3f-4c59-9a8e-0d6f2b4c8a17";
export const TENANTS = {
  partner: "8d2f6a41-3c7e-4b90-a1d5-6e9f0b2c4d71",
  fabrikam: "2f6b8c1d-4e3a-4f5b-9c7d-1a2b3c4d5e01",
  northwind: "3a7c9d2e-5f4b-4a6c-8d8e-2b3c4d5e6f02",
  tailspin: "4b8d0e3f-6a5c-4b7d-9e9f-3c4d5e6f7a03",
  woodgrove: "5c9e1f4a-7b6d-4c8e-8f0a-4d5e6f7a8b04",
  litware: "6d0f2a5b-8c7e-4d9f-9a1b-5e6f7a8b9c05",
} as const;

/** The demo scenario, parsed; pass a function to adjust a copy for one test. */
export function defaultScenario(adjust?: (raw: Record<string, unknown> & { tenants: Record<string, unknown>[]; apps: Record<string, unknown>[] }) => void): Scenario {
  const raw = JSON.parse(readFileSync(path.join(ROOT, "emulator/scenarios/default.json"), "utf8"));
  adjust?.(raw);
  return parseScenario(raw, "default.json");
}

export interface TestEmulator extends RunningEmulator {
  secret: string;
  expiredSecret: string;
  certificatePath: string;
  thumbprintSha1: string;
  thumbprintSha256: string;
  /** host:port, for msal-node's knownAuthorities. */
  host: string;
  control(method: string, pathname: string, body?: unknown): Promise<Response>;
}

/** Starts an emulator in this process on free ports, trusted through the run's CA. */
export async function startTestEmulator(options: Partial<EmulatorOptions> = {}): Promise<TestEmulator & { dispose(): Promise<void> }> {
  const stateDir = mkdtempSync(path.join(os.tmpdir(), "consentry-emulator-"));
  const emulator = await startEmulator({ scenario: options.scenario ?? defaultScenario(), port: 0, httpPort: 0, stateDir, caDir: inject("emulatorCaDir"), ...options });
  const app = emulator.credentials.find((c) => c.clientId === DEMO_APP_ID)!;
  return {
    ...emulator,
    secret: app.secrets.find((s) => !s.expired)?.value ?? "",
    expiredSecret: app.secrets.find((s) => s.expired)?.value ?? "",
    certificatePath: app.certificates[0]?.path ?? "",
    thumbprintSha1: app.certificates[0]?.thumbprintSha1 ?? "",
    thumbprintSha256: app.certificates[0]?.thumbprintSha256 ?? "",
    host: new URL(emulator.authorityHost).host,
    control: (method, pathname, body) =>
      fetch(`${emulator.authorityHost}/_emulator${pathname}`, {
        method,
        headers: body === undefined ? {} : { "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      }),
    async dispose() {
      await emulator.close();
      rmSync(stateDir, { recursive: true, force: true });
    },
  };
}
