import { toAppError, type AppError } from "@/lib/errors";
import { buildScriptlessPageHeaders, inlineStyleHash } from "@/lib/http/security-headers";

/** HTML-escapes text for element content and attribute values. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"'`]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;", "`": "&#96;" })[c]!);
}

/** The raw problem page's only styling: allowed under the CSP by its hash, so no 'unsafe-inline'. */
export const PROBLEM_PAGE_STYLE =
  'body{font-family:ui-sans-serif,system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:#f8fafc;color:#0f172a;margin:0}main{max-width:40rem;margin:4rem auto;background:#fff;border:1px solid #e2e8f0;border-radius:.5rem;padding:2rem}h1{font-size:1.5rem;margin:0 0 1rem}p{line-height:1.5;color:#334155}.next{font-weight:600;color:#0f172a}dl{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem;font-size:.875rem;background:#f1f5f9;padding:1rem;border-radius:.375rem}dt{color:#475569}dd{margin:0;overflow-wrap:anywhere}.button{display:inline-block;margin-top:1rem;background:#1f5fbf;color:#fff;padding:.5rem 1rem;border-radius:.375rem;text-decoration:none}.brand{font-size:.75rem;text-transform:uppercase;letter-spacing:.05em;color:#1f5fbf;font-weight:600}';

export const PROBLEM_PAGE_STYLE_HASH = inlineStyleHash(PROBLEM_PAGE_STYLE);

/**
 * What a raw problem page's response says about itself. The security headers come from
 * the one builder (lib/http/security-headers.ts); the proxy sets the full per-request
 * set on every response and its values win, these cover a response built elsewhere.
 */
export const PROBLEM_PAGE_HEADERS: Record<string, string> = {
  "content-type": "text/html; charset=utf-8",
  "cache-control": "no-store",
  ...buildScriptlessPageHeaders([PROBLEM_PAGE_STYLE_HASH]),
};

/**
 * An AppError as a self-contained page, for answers a route handler gives directly
 * (callbacks that fail before any page exists): its title, message (what happened), what
 * to do next and the details to quote. Everything variable is escaped; no script runs.
 */
export function renderProblemPage(p: AppError, links: { href: string; label: string }[] = []): Response {
  return new Response(renderProblemHtml(p, links), { status: p.status, headers: PROBLEM_PAGE_HEADERS });
}

/** Anything thrown in a route handler that answers a browser, as a page: the one mapper (toAppError), then HTML. */
export function renderErrorPage(thrown: unknown, links: { href: string; label: string }[] = []): Response {
  return renderProblemPage(toAppError(thrown), links);
}

export function renderProblemHtml(p: AppError, links: { href: string; label: string }[] = []): string {
  const details = p.details?.length
    ? `<dl>${p.details.map((d) => `<dt>${escapeHtml(d.label)}</dt><dd>${/\s/.test(d.value) ? escapeHtml(d.value) : `<code>${escapeHtml(d.value)}</code>`}</dd>`).join("")}</dl>`
    : "";
  const actions = links.map((l) => `<a class="button" href="${escapeHtml(l.href)}">${escapeHtml(l.label)}</a>`).join(" ");
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${escapeHtml(p.title)} · Consentry</title>
<style>${PROBLEM_PAGE_STYLE}</style></head>
<body><main id="main" data-problem="${escapeHtml(p.code)}"><p class="brand">Consentry</p><h1>${escapeHtml(p.title)}</h1><p>${escapeHtml(p.message)}</p>${p.next ? `<p class="next">${escapeHtml(p.next)}</p>` : ""}${details}${actions}</main></body></html>`;
}
