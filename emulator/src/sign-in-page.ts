import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";

import type { EmulatorContext } from "./context";
import { aadTimestamp, escapeHtml, sendHtml } from "./http";
import type { ScenarioTenant } from "./scenario";
import { sessionPrincipals } from "./sign-in-session";
import type { Principal } from "./state";

const PAGE_STYLE = `body{font-family:Segoe UI,system-ui,sans-serif;background:#f2f2f2;margin:0;color:#1b1b1b}
main{max-width:440px;margin:48px auto;background:#fff;padding:44px;box-shadow:0 2px 6px rgba(0,0,0,.2)}
h1{font-size:24px;font-weight:600;margin:0 0 16px}.muted{color:#616161;font-size:13px}.sandbox{background:#fff4ce;padding:6px 10px;font-size:12px;margin-bottom:16px}
ul{padding-left:20px}li{margin:6px 0}label{display:block;margin:16px 0 6px;font-weight:600}select{width:100%;padding:6px}
.buttons{display:flex;gap:8px;justify-content:flex-end;margin-top:24px}button{padding:6px 16px;border:1px solid #8a8886;background:#fff;cursor:pointer}
button.primary{background:#0067b8;color:#fff;border-color:#0067b8}.error{color:#a80000}code{word-break:break-all}`;

/** A page a browser sees at the login host (sign-in picker, consent), styled like Entra ID's. */
export function signInPage(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${escapeHtml(title)}</title><style>${PAGE_STYLE}</style></head><body><main><p class="sandbox">Sandbox cloud: a local emulator of Microsoft Entra ID. No real account is involved.</p>${body}</main></body></html>`;
}

/** The page Entra ID shows instead of redirecting when it cannot trust the redirect URI or the request. */
export function signInErrorPage(res: ServerResponse, code: number, message: string, heading = "Sorry, but we're having trouble signing you in."): void {
  const requestId = randomUUID();
  const correlationId = randomUUID();
  sendHtml(
    res,
    400,
    signInPage(
      heading,
      `<h1>${escapeHtml(heading)}</h1><p class="error" data-testid="aadsts">AADSTS${code}: ${escapeHtml(message)}</p>
<p class="muted">Request Id: ${requestId}<br>Correlation Id: ${correlationId}<br>Timestamp: ${aadTimestamp()}</p>`,
    ),
  );
}

export function hiddenInputs(params: URLSearchParams, skip: string[] = []): string {
  return [...params.entries()]
    .filter(([k]) => !skip.includes(k))
    .map(([k, v]) => `<input type="hidden" name="${escapeHtml(k)}" value="${escapeHtml(v)}">`)
    .join("");
}

export function userOptions(principals: Principal[], selected?: string): string {
  return principals
    .map(({ tenant, user, home }) => {
      const roles = user.directoryRoles.length ? user.directoryRoles.join(", ") : "no admin role";
      const where = home ? `${tenant.displayName} (guest from ${home.tenant.displayName})` : tenant.displayName;
      return `<option value="${user.id}"${user.id === selected ? " selected" : ""}>${escapeHtml(user.displayName)} (${escapeHtml(user.userPrincipalName)}), ${escapeHtml(where)}, ${escapeHtml(roles)}</option>`;
    })
    .join("");
}

/** The option a picker preselects: the most recent account of this browser's session that can sign in here. */
export function sessionChoice(ctx: EmulatorContext, req: IncomingMessage, tenant: ScenarioTenant | null): string | undefined {
  return sessionPrincipals(ctx, req, tenant).principals[0]?.user.id;
}
