import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";

import { parseConfig } from "@/lib/config";
import { AppError } from "@/lib/errors";
import { createLogger, type LoggerTarget } from "@/lib/log/logger";
import { REDACTED } from "@/lib/log/redaction";
import { runWithRequestId } from "@/lib/log/request-context";
import type { LogSettings } from "@/lib/log/settings";

/** A logger writing into memory: its lines, raw and parsed. */
function capture(settings: Partial<LogSettings> = {}, loadPretty?: LoggerTarget["loadPretty"]) {
  const chunks: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      chunks.push(String(chunk));
      done();
    },
  });
  const log = createLogger({ level: "info", format: "json", ...settings }, { destination, loadPretty });
  return {
    log,
    raw: () => chunks.join(""),
    lines: () =>
      chunks
        .join("")
        .split("\n")
        .filter(Boolean)
        .map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}

// One of each kind of secret the portal holds, each a value that must never reach a log line.
const SECRETS = {
  clientSecret: "abc8Q~Zx1yW2vU3tS4rQ5pO6nM7lK8jI9hG0fE1d",
  certificateKey: "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7\n-----END PRIVATE KEY-----",
  password: "correct-horse-battery-staple-0123456789",
  bearer: "opaque-bearer-token-value-123456",
  cookie: "consentry_session=Fe26.2**sealed-session-value",
  apiKey: "csk_AbCdEfGh_0123456789abcdefghijklmnopqrstuvwxyzAB",
  webhookSecret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
  accessToken: "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.eyJ0aWQiOiJ0In0.c2lnbmF0dXJl",
  clientAssertion: "eyJhbGciOiJQUzI1NiIsIng1dCNTMjU2IjoiYWJjIn0.eyJhdWQiOiJ4In0.c2ln",
  refreshToken: "0.AAAA-refresh-token-opaque-value",
};

describe("the logger", () => {
  it("writes one JSON object per line with an ISO time, the level's name and the message", () => {
    const out = capture();
    out.log.info({ tenantId: "t1" }, "probed");
    const [line] = out.lines();
    expect(line).toMatchObject({ level: "info", msg: "probed", tenantId: "t1" });
    expect(line!.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });

  it("writes nothing below LOG_LEVEL, and nothing at all when silent", () => {
    const warn = capture({ level: "warn" });
    warn.log.info("not shown");
    warn.log.debug("not shown");
    warn.log.warn("shown");
    warn.log.error("shown too");
    expect(warn.lines().map((l) => l.level)).toEqual(["warn", "error"]);

    const trace = capture({ level: "trace" });
    trace.log.trace("shown");
    expect(trace.lines()).toHaveLength(1);

    const silent = capture({ level: "silent" });
    silent.log.fatal("not shown");
    expect(silent.raw()).toBe("");
  });

  it("adds the request's ID to every line written within it, and none outside", () => {
    const out = capture();
    runWithRequestId("0b6f2c55-8f7a-4d3e-9c1b-2a4d6e8f0a1b", () => out.log.info("inside"));
    out.log.info("outside");
    const [inside, outside] = out.lines();
    expect(inside!.requestId).toBe("0b6f2c55-8f7a-4d3e-9c1b-2a4d6e8f0a1b");
    expect(outside).not.toHaveProperty("requestId");
  });

  it("redacts every kind of secret by field name, at the top level and nested", () => {
    const out = capture();
    out.log.info(
      {
        client_secret: SECRETS.clientSecret,
        clientSecret: SECRETS.clientSecret,
        credential: { kind: "certificate", privateKeyPem: SECRETS.certificateKey, privateKey: SECRETS.certificateKey },
        password: SECRETS.password,
        config: { sessionPassword: SECRETS.password },
        request: { headers: { authorization: `Bearer ${SECRETS.bearer}`, cookie: SECRETS.cookie, "x-api-key": SECRETS.apiKey } },
        headers: { "set-cookie": SECRETS.cookie },
        apiKey: SECRETS.apiKey,
        webhook: { secret: SECRETS.webhookSecret, signingSecret: SECRETS.webhookSecret },
        body: { access_token: SECRETS.accessToken, refresh_token: SECRETS.refreshToken, client_assertion: SECRETS.clientAssertion, id_token: SECRETS.accessToken },
        token: SECRETS.accessToken,
      },
      "a line full of secrets",
    );
    const raw = out.raw();
    for (const [kind, value] of Object.entries(SECRETS)) expect(raw, kind).not.toContain(value.slice(0, 24));
    const [line] = out.lines();
    expect(line!.client_secret).toBe(REDACTED);
    expect((line!.request as { headers: Record<string, unknown> }).headers).toEqual({ authorization: REDACTED, cookie: REDACTED, "x-api-key": REDACTED });
    expect((line!.credential as Record<string, unknown>).kind).toBe("certificate");
    expect((line!.body as Record<string, unknown>).access_token).toBe(REDACTED);
  });

  it("masks secrets that sit inside text: the message, other fields, an error's message, stack and cause", () => {
    const out = capture();
    const cause = new Error(`token request failed: client_secret=${SECRETS.clientSecret}&client_assertion=${SECRETS.clientAssertion}`);
    const error = new AppError("identity_failed", `Graph refused Bearer ${SECRETS.bearer} (key ${SECRETS.apiKey})`, { cause });
    out.log.error({ err: error, detail: `saw ${SECRETS.webhookSecret} and ${SECRETS.accessToken}` }, `refresh_token=${SECRETS.refreshToken} and a key:\n${SECRETS.certificateKey}`);
    out.log.warn(`password=${SECRETS.password}`);
    const raw = out.raw();
    for (const [kind, value] of Object.entries(SECRETS)) expect(raw, kind).not.toContain(value.slice(-20));
    expect(raw).toContain(REDACTED);
    const [line] = out.lines();
    const err = line!.err as { type: string; message: string; stack: string; code: string; cause: { message: string } };
    expect(err).toMatchObject({ type: "AppError", code: "identity_failed" });
    expect(err.message).toBe(`Graph refused Bearer ${REDACTED} (key csk_AbCdEfGh_${REDACTED})`);
    expect(err.stack).toContain("AppError: Graph refused Bearer [Redacted]");
    expect(err.cause.message).toBe(`token request failed: client_secret=${REDACTED}&client_assertion=${REDACTED}`);
    expect(line!.msg).toBe(`refresh_token=${REDACTED} and a key:\n${REDACTED}`);
  });

  it("leaves what is not secret alone", () => {
    const out = capture();
    out.log.info({ tenantId: "2f6b8c1d-4e3a-4f5b-9c7d-1a2b3c4d5e01", probeKey: "graph:User.Read.All", status: 403, code: "Authorization_RequestDenied" }, "probe failed: Insufficient privileges to complete the operation.");
    expect(out.lines()[0]).toMatchObject({
      tenantId: "2f6b8c1d-4e3a-4f5b-9c7d-1a2b3c4d5e01",
      probeKey: "graph:User.Read.All",
      status: 403,
      code: "Authorization_RequestDenied",
      msg: "probe failed: Insufficient privileges to complete the operation.",
    });
  });
});

describe("LOG_FORMAT=pretty", () => {
  it("writes pino-pretty's readable lines, redacted the same way", () => {
    const out = capture({ format: "pretty" });
    runWithRequestId("0b6f2c55-8f7a-4d3e-9c1b-2a4d6e8f0a1b", () => out.log.warn({ tenantId: "t1", password: SECRETS.password }, "a warning"));
    expect(out.raw()).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] WARN: a warning\n/);
    expect(out.raw()).toContain('requestId: "0b6f2c55-8f7a-4d3e-9c1b-2a4d6e8f0a1b"');
    expect(out.raw()).toContain('password: "[Redacted]"');
    expect(out.raw()).not.toContain(SECRETS.password);
  });

  it("falls back to JSON lines, and says so, where pino-pretty is not installed (a pruned production install)", () => {
    const out = capture({ format: "pretty" }, () => {
      throw Object.assign(new Error("Cannot find module 'pino-pretty'"), { code: "MODULE_NOT_FOUND" });
    });
    out.log.info("after the fallback");
    const [warning, line] = out.lines();
    expect(warning).toMatchObject({ level: "warn", msg: expect.stringContaining("LOG_FORMAT=pretty needs the pino-pretty package") });
    expect(line).toMatchObject({ level: "info", msg: "after the fallback" });
  });
});

describe("LOG_LEVEL and LOG_FORMAT", () => {
  const base = { DATA_DIR: "/tmp/consentry-log-settings", SESSION_PASSWORD: "s".repeat(40) };

  it("default to info and json", () => {
    const config = parseConfig(base);
    expect([config.logLevel, config.logFormat]).toEqual(["info", "json"]);
  });

  it("take every pino level and both formats", () => {
    for (const level of ["trace", "debug", "info", "warn", "error", "fatal", "silent"]) expect(parseConfig({ ...base, LOG_LEVEL: level }).logLevel).toBe(level);
    expect(parseConfig({ ...base, LOG_FORMAT: "pretty" }).logFormat).toBe("pretty");
  });

  it("refuse anything else with a message naming the variable, the allowed values and an example", () => {
    expect(() => parseConfig({ ...base, LOG_LEVEL: "verbose" })).toThrow(
      'LOG_LEVEL: must be one of trace, debug, info, warn, error, fatal, silent (got "verbose"). Example: LOG_LEVEL=info',
    );
    expect(() => parseConfig({ ...base, LOG_FORMAT: "text" })).toThrow('LOG_FORMAT: must be json or pretty (got "text"). Example: LOG_FORMAT=json');
  });
});
