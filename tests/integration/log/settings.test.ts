import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";

import { runScript } from "../../support/run-script";

const SCRIPT = "tests/integration/log/fixtures/write-log-lines.ts";
const env = (extra: Record<string, string>) => ({ DATA_DIR: mkdtempSync(path.join(os.tmpdir(), "consentry-log-")), ...extra });

describe("LOG_LEVEL and LOG_FORMAT, from the environment", () => {
  it("json (the default): one JSON object per line on stdout, from info up, with component and requestId", async () => {
    const result = await runScript(SCRIPT, env({}));
    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split("\n").map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.map((l) => l.msg)).toEqual(["an info line", "a warning"]);
    expect(lines[1]).toMatchObject({ level: "warn", component: "bulk", tenantId: "t1", requestId: "7d4c1b2a-3e5f-4a6b-8c9d-0e1f2a3b4c5d", client_secret: "[Redacted]" });
    expect(result.stdout).not.toContain("Zx1yW2vU3tS4rQ5pO6nM7l");
  });

  it("LOG_LEVEL=debug adds debug lines; LOG_LEVEL=warn keeps only warnings and worse", async () => {
    const debug = await runScript(SCRIPT, env({ LOG_LEVEL: "debug" }));
    expect(debug.stdout.trim().split("\n")).toHaveLength(3);
    const warn = await runScript(SCRIPT, env({ LOG_LEVEL: "warn" }));
    expect(warn.stdout.trim().split("\n").map((line) => JSON.parse(line).msg)).toEqual(["a warning"]);
  });

  it("LOG_FORMAT=pretty writes readable lines, secrets still redacted", async () => {
    const result = await runScript(SCRIPT, env({ LOG_FORMAT: "pretty" }));
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: an info line$/m);
    expect(result.stdout).toMatch(/WARN: a warning\n(?:\s+.+\n)*\s+client_secret: "\[Redacted\]"/);
    expect(result.stdout).toContain('requestId: "7d4c1b2a-3e5f-4a6b-8c9d-0e1f2a3b4c5d"');
    expect(result.stdout).not.toContain("Zx1yW2vU3tS4rQ5pO6nM7l");
  });
});
