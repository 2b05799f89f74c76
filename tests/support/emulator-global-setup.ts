import path from "node:path";
import type { TestProject } from "vitest/node";

import { ensureCertificateAuthority, ensureServerCertificate } from "../../emulator/src/pki";

declare module "vitest" {
  export interface ProvidedContext {
    emulatorCaDir: string;
  }
}

/**
 * One sandbox CA for the whole integration run. Node reads NODE_EXTRA_CA_CERTS only
 * when a process starts, so it is set here, before Vitest forks the test workers, and
 * msal-node in the workers then trusts every emulator the tests start.
 */
export default async function setup(project: TestProject) {
  const caDir = path.resolve("test-results", "emulator-ca");
  const ca = await ensureCertificateAuthority(caDir);
  await ensureServerCertificate(caDir, ca);
  process.env.NODE_EXTRA_CA_CERTS = ca.certPath;
  project.provide("emulatorCaDir", caDir);
}
