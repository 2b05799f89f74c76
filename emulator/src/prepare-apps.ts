import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

import { ensureClientCertificate } from "./pki";
import type { Scenario } from "./scenario";
import type { AppSecret, AppState } from "./state";

export interface AppCredentials {
  clientId: string;
  secrets: { id: string; value: string; expired: boolean }[];
  certificates: { id: string; path: string; thumbprintSha1: string; thumbprintSha256: string }[];
}

function generateSecretValue(): string {
  // Shaped like an Entra ID secret value: 40 characters with a "~" at position 4.
  const raw = randomBytes(30).toString("base64url").replace(/[-_]/g, "x");
  return `${raw.slice(0, 3)}8Q~${raw.slice(3, 39)}`;
}

/** Each scenario app with its secrets (kept across restarts) and certificates; writes them to credentials.json (mode 0600). */
export async function prepareApps(scenario: Scenario, stateDir: string): Promise<{ apps: AppState[]; credentials: AppCredentials[]; credentialsPath: string }> {
  const credentialsPath = path.join(stateDir, "credentials.json");
  const previous: AppCredentials[] = existsSync(credentialsPath) ? (JSON.parse(readFileSync(credentialsPath, "utf8")).apps ?? []) : [];
  const apps: AppState[] = [];
  const credentials: AppCredentials[] = [];
  for (const app of scenario.apps) {
    const before = previous.find((p) => p.clientId === app.clientId);
    const secrets: AppSecret[] = app.secrets.map((s) => ({
      id: s.id,
      value: s.value ?? before?.secrets.find((b) => b.id === s.id)?.value ?? generateSecretValue(),
      expired: s.expired,
    }));
    const certificates = [];
    for (const c of app.certificates) {
      const cert = await ensureClientCertificate(path.join(stateDir, "apps", app.clientId, `${c.id}.pem`), `${app.displayName} (${c.id})`);
      certificates.push({ ...cert, id: c.id });
    }
    apps.push({ scenario: app, secrets, certificates });
    credentials.push({
      clientId: app.clientId,
      secrets: secrets.map((s) => ({ ...s })),
      certificates: certificates.map((c) => ({ id: c.id, path: c.bundlePath, thumbprintSha1: c.thumbprintSha1Hex, thumbprintSha256: Buffer.from(c.x5tS256, "base64url").toString("hex").toUpperCase() })),
    });
  }
  writeFileSync(credentialsPath, `${JSON.stringify({ apps: credentials }, null, 2)}\n`, { mode: 0o600 });
  chmodSync(credentialsPath, 0o600);
  return { apps, credentials, credentialsPath };
}
