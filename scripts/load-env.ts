import nextEnv from "@next/env";

/**
 * Loads .env files the way `next start` / `next dev` will, so a script sees the same
 * settings as the server it prepares. Variables already set in the environment win.
 */
export function loadEnvFiles(dev: boolean): void {
  nextEnv.loadEnvConfig(process.cwd(), dev, { info: () => {}, error: console.error });
}
