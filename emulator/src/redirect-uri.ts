import type { AppState } from "./state";

/**
 * Entra ID compares redirect URIs exactly, except that the port of an http://localhost
 * (or 127.0.0.1) URI is ignored.
 * @see https://learn.microsoft.com/entra/identity-platform/reply-url#localhost-exceptions
 */
export function redirectUriRegistered(app: AppState, redirectUri: string): boolean {
  let requested: URL;
  try {
    requested = new URL(redirectUri);
  } catch {
    return false;
  }
  return app.scenario.redirectUris.some((registered) => {
    const r = new URL(registered);
    const loopback = (u: URL) => u.protocol === "http:" && (u.hostname === "localhost" || u.hostname === "127.0.0.1");
    if (loopback(r) && loopback(requested)) return r.hostname === requested.hostname && r.pathname === requested.pathname && r.search === requested.search;
    return r.href === requested.href;
  });
}

/** `base` with `params` appended to its query (undefined values left out). */
export function appendQuery(base: string, params: Record<string, string | undefined>): string {
  const url = new URL(base);
  for (const [k, v] of Object.entries(params)) if (v !== undefined) url.searchParams.append(k, v);
  return url.toString();
}
