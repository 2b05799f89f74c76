import "server-only";

import { createRequire } from "node:module";
import pino, { type DestinationStream, type Logger, type LoggerOptions } from "pino";
import type PinoPretty from "pino-pretty";

import { getConfig } from "@/lib/config";
import { currentRequestId } from "@/lib/log/request-context";
import { REDACT_PATHS, REDACTED, scrubSecrets, scrubValue } from "@/lib/log/redaction";
import { DEFAULT_LOG_SETTINGS, type LogSettings } from "@/lib/log/settings";

export type { Logger } from "pino";

/**
 * The portal's one logger: pino, writing one JSON object per line to stdout (LOG_FORMAT=json, the
 * default) or pino-pretty's readable lines (LOG_FORMAT=pretty, the demo), at LOG_LEVEL. Every line
 * written while serving a request, or in a background run, carries its `requestId`. Secrets are
 * redacted by field name (REDACT_PATHS) and masked by shape in messages and errors.
 * @see https://getpino.io/#/docs/api
 */
export function loggerOptions(level: LogSettings["level"]): LoggerOptions {
  return {
    level,
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: {
      // "level":"warn" reads better in a log search than pino's numbers.
      level: (label) => ({ level: label }),
      log: (object) => scrubValue(object) as Record<string, unknown>,
    },
    mixin: () => {
      const requestId = currentRequestId();
      return requestId ? { requestId } : {};
    },
    serializers: {
      // The error's message, stack and cause chain, with secrets the text may hold masked.
      err: (error: Error) => scrubValue(asPlainObject(pino.stdSerializers.errWithCause(error))),
      msg: (message: unknown) => (typeof message === "string" ? scrubSecrets(message) : message),
    },
    redact: { paths: REDACT_PATHS, censor: REDACTED },
  };
}

/** pino's serialized errors have their own prototype; as plain data every string in them can be scrubbed. */
function asPlainObject(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value)) as unknown;
}

export interface LoggerTarget {
  /** Where lines go (default: stdout). */
  destination?: DestinationStream;
  /** Loads pino-pretty (tests stand in for a production install without it). */
  loadPretty?: () => typeof PinoPretty;
}

/** A logger with these settings, writing JSON lines, or pino-pretty's lines, to the destination. */
export function createLogger(settings: LogSettings, target: LoggerTarget = {}): Logger {
  const options = loggerOptions(settings.level);
  const json = () => (target.destination ? pino(options, target.destination) : pino(options));
  if (settings.format !== "pretty") return json();
  const pretty = prettyStream(target);
  if (pretty) return pino(options, pretty);
  const logger = json();
  logger.warn("LOG_FORMAT=pretty needs the pino-pretty package, a development dependency that is not installed here; writing JSON lines instead.");
  return logger;
}

/**
 * pino-pretty as an in-process stream, loaded only when asked for: production installs omit
 * development dependencies, so nothing else may import it. Null when it is not installed.
 */
function prettyStream(target: LoggerTarget): DestinationStream | null {
  let build: typeof PinoPretty;
  try {
    build = (target.loadPretty ?? loadPinoPretty)();
  } catch {
    return null;
  }
  return build({ sync: true, translateTime: "SYS:HH:MM:ss.l", ignore: "pid,hostname", ...(target.destination ? { destination: target.destination } : {}) });
}

function loadPinoPretty(): typeof PinoPretty {
  const loaded = createRequire(import.meta.url)("pino-pretty") as typeof PinoPretty & { default?: typeof PinoPretty };
  return loaded.default ?? loaded;
}

/** LOG_LEVEL and LOG_FORMAT; the defaults while the settings are invalid (start-up then names the bad one and stops). */
function configuredSettings(): LogSettings {
  try {
    const config = getConfig();
    return { level: config.logLevel, format: config.logFormat };
  } catch {
    return DEFAULT_LOG_SETTINGS;
  }
}

const cache = globalThis as unknown as { consentryLogger?: Logger; consentryLoggerChildren?: Map<string, Logger> };

/**
 * The process's logger, or a child that adds `component` to each line (`logger("bulk")`).
 * Created on first use, from the settings; cached on globalThis like the database handle.
 */
export function logger(component?: string): Logger {
  cache.consentryLogger ??= createLogger(configuredSettings());
  if (!component) return cache.consentryLogger;
  const children = (cache.consentryLoggerChildren ??= new Map());
  let child = children.get(component);
  if (!child) {
    child = cache.consentryLogger.child({ component });
    children.set(component, child);
  }
  return child;
}

/** Forgets the logger, so the next call reads LOG_LEVEL and LOG_FORMAT again (tests that change them). */
export function resetLoggerForTests(): void {
  delete cache.consentryLogger;
  delete cache.consentryLoggerChildren;
}
