/** Types of setup.mjs, for the TypeScript tests that build before they start the portal. */
export const ROOT: string;
export function log(message: string): void;
export function fail(message: string): never;
export function assertNodeVersion(): void;
export function ensureInstalled(): void;
export function ensureBuilt(): void;
