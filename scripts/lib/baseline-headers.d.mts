/** Types of baseline-headers.mjs, for the TypeScript tests that compare it with lib/http/security-headers.ts. */
export function baselineSecurityHeaders(options: { https: boolean }): Record<string, string>;
