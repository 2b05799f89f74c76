import path from "node:path";
import { fileURLToPath } from "node:url";
import { ESLint } from "eslint";
import { beforeAll, describe, expect, it } from "vitest";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");

let eslint: ESLint;
// Loading the config (Next.js and typescript-eslint plugins) takes seconds, once.
beforeAll(async () => {
  eslint = new ESLint({ cwd: root });
  await eslint.lintText("", { filePath: path.join(root, "lib/example.ts") });
}, 60_000);

/** The import-boundary messages ESLint reports for `code` as if it lived at `file`. */
async function boundaryMessages(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(root, file) });
  expect(result!.messages.filter((m) => m.fatal)).toEqual([]);
  return result!.messages.filter((m) => m.ruleId === "no-restricted-imports").map((m) => m.message);
}

describe("import boundaries (eslint.config.js)", () => {
  it.each([
    ["lib/ importing the emulator by a relative path", "lib/probes/example.ts", 'import { RESOURCES } from "../../emulator/src/catalog";\nexport const r = RESOURCES;\n', "portal-not-emulator"],
    ["lib/identity/ importing the emulator", "lib/identity/example.ts", 'import { GUID } from "../../emulator/src/context";\nexport const g = GUID;\n', "portal-not-emulator"],
    ["app/ importing the emulator by the @/ alias", "app/example/page.tsx", 'import type { Scenario } from "@/emulator/src/scenario";\nexport type S = Scenario;\n', "portal-not-emulator"],
    ["the emulator importing lib/ by a relative path", "emulator/src/example.ts", 'import { settings } from "../../lib/config";\nexport const s = settings;\n', "emulator-not-portal"],
    ["the emulator importing lib/ by the @/ alias", "emulator/src/example.ts", 'import { isTenantId } from "@/lib/tenants/tenant-id";\nexport const t = isTenantId;\n', "emulator-not-portal"],
    ["the emulator importing app/", "emulator/src/example.ts", 'import Page from "@/app/page";\nexport const p = Page;\n', "emulator-not-portal"],
    ["an emulator example importing lib/", "emulator/examples/example.mjs", 'import { settings } from "../../lib/config";\nexport const s = settings;\n', "emulator-not-portal"],
    ["lib/ outside lib/identity/ importing msal-node", "lib/probes/example.ts", 'import { ConfidentialClientApplication } from "@azure/msal-node";\nexport const c = ConfidentialClientApplication;\n', "msal-only-in-lib-identity"],
    ["app/ importing msal-node", "app/api/example/route.ts", 'import type { AuthenticationResult } from "@azure/msal-node";\nexport type R = AuthenticationResult;\n', "msal-only-in-lib-identity"],
    ["the emulator importing msal-node", "emulator/src/example.ts", 'import { CryptoProvider } from "@azure/msal-node";\nexport const c = CryptoProvider;\n', "msal-only-in-lib-identity"],
    ["a script importing msal-node", "scripts/example.ts", 'import { LogLevel } from "@azure/msal-node";\nexport const l = LogLevel;\n', "msal-only-in-lib-identity"],
    ["a test of lib/probes importing msal-node", "tests/unit/probes/example.test.ts", 'import { LogLevel } from "@azure/msal-node";\nexport const l = LogLevel;\n', "msal-only-in-lib-identity"],
  ])("refuses %s, naming the boundary", async (_name, file, code, boundary) => {
    const messages = await boundaryMessages(file, code);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toContain(`[boundary: ${boundary}]`);
  });

  it.each([
    ["lib/identity/ importing msal-node", "lib/identity/example.ts", 'import { ConfidentialClientApplication } from "@azure/msal-node";\nexport const c = ConfidentialClientApplication;\n'],
    ["an emulator test driving the sandbox with msal-node", "tests/integration/emulator/example.test.ts", 'import { ConfidentialClientApplication } from "@azure/msal-node";\nexport const c = ConfidentialClientApplication;\n'],
    ["lib/ importing lib/", "lib/probes/example.ts", 'import { settings } from "@/lib/config";\nexport const s = settings;\n'],
    ["the emulator importing its own modules", "emulator/src/example.ts", 'import { GUID } from "./context";\nexport const g = GUID;\n'],
  ])("allows %s", async (_name, file, code) => {
    expect(await boundaryMessages(file, code)).toEqual([]);
  });
});
