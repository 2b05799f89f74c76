/** LOG_LEVEL values (pino's levels, and `silent`). */
export const LOG_LEVELS = ["trace", "debug", "info", "warn", "error", "fatal", "silent"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** LOG_FORMAT values: JSON lines (production), or pino-pretty's coloured lines (the demo, development). */
export const LOG_FORMATS = ["json", "pretty"] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

export interface LogSettings {
  level: LogLevel;
  format: LogFormat;
}

export const DEFAULT_LOG_SETTINGS: LogSettings = { level: "info", format: "json" };
