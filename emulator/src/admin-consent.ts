import type { IncomingMessage, ServerResponse } from "node:http";

import { RESOURCES, resourceFromIdentifier, type ResourceKey } from "./catalog";
import { MULTI_TENANT_SEGMENTS, type EmulatorContext } from "./context";
import { GUID } from "./guid";
import { escapeHtml, readBody, redirect, sendHtml } from "./http";
import { appendQuery, redirectUriRegistered } from "./redirect-uri";
import { isConsentAdmin, type ScenarioTenant } from "./scenario";
import { rememberSignIn } from "./sign-in-session";
import { hiddenInputs, sessionChoice, signInErrorPage, signInPage, userOptions } from "./sign-in-page";
import { grantsFrom, type AppState } from "./state";

interface ConsentRequest {
  tenantSegment: string;
  tenant: ScenarioTenant | null;
  app: AppState;
  redirectUri: string;
  state: string | undefined;
  version: "v1" | "v2";
  /** v2: the resources named in `scope`; v1: every resource the app is configured for. */
  resources: ResourceKey[];
  scope: string | undefined;
}

/** Validates what Entra ID validates before it may redirect; shows its error page otherwise. */
function parseConsentRequest(ctx: EmulatorContext, res: ServerResponse, segment: string, params: URLSearchParams, version: "v1" | "v2"): ConsentRequest | null {
  const clientId = params.get("client_id")?.toLowerCase();
  if (!clientId) {
    signInErrorPage(res, 900144, "The request body must contain the following parameter: 'client_id'.");
    return null;
  }
  const multi = MULTI_TENANT_SEGMENTS.has(segment.toLowerCase());
  const tenant = multi ? null : ctx.state.resolveTenant(segment);
  if (!multi && !tenant) {
    signInErrorPage(res, 90002, `Tenant '${segment}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`);
    return null;
  }
  const app = ctx.state.apps.get(clientId);
  if (!app || !GUID.test(clientId)) {
    signInErrorPage(
      res,
      700016,
      `Application with identifier '${clientId}' was not found in the directory '${tenant?.displayName ?? segment}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`,
    );
    return null;
  }
  const redirectUri = params.get("redirect_uri") ?? "";
  if (!redirectUriRegistered(app, redirectUri)) {
    signInErrorPage(
      res,
      50011,
      `The redirect URI '${redirectUri}' specified in the request does not match the redirect URIs configured for the application '${app.scenario.clientId}'. Make sure the redirect URI sent in the request matches one added to your application in the Azure portal. Navigate to https://aka.ms/redirectUriMismatchError to learn more about how to fix this.`,
    );
    return null;
  }
  const state = params.get("state") ?? undefined;
  let resources = [...new Set(app.scenario.requiredResourceAccess.map((r) => r.resource))];
  const scope = params.get("scope") ?? undefined;
  if (version === "v2") {
    const parts = (scope ?? "").split(/\s+/).filter(Boolean);
    const named = parts.map((p) => (p.endsWith("/.default") ? resourceFromIdentifier(p.slice(0, -"/.default".length), ctx.authorityHost) : null));
    if (parts.length === 0 || named.some((r) => r === null)) {
      redirect(
        res,
        appendQuery(redirectUri, {
          error: "invalid_request",
          error_description: `AADSTS70011: The provided request must include a 'scope' input parameter naming a resource with /.default, such as https://graph.microsoft.com/.default. The provided value was '${scope ?? ""}'.`,
          state,
        }),
      );
      return null;
    }
    resources = [...new Set(named as ResourceKey[])];
  }
  return { tenantSegment: segment, tenant, app, redirectUri, state, version, resources, scope };
}

function permissionList(request: ConsentRequest): string {
  const items = request.app.scenario.requiredResourceAccess
    .filter((r) => request.resources.includes(r.resource))
    .flatMap((r) => r.roles.map((role) => `<li>${escapeHtml(role)} <span class="muted">(${escapeHtml(RESOURCES[r.resource].displayName)}, application permission)</span></li>`));
  return items.length ? `<ul data-testid="permissions">${items.join("")}</ul>` : `<p class="muted">No permissions are configured for this app.</p>`;
}

function consentPage(ctx: EmulatorContext, res: ServerResponse, request: ConsentRequest, params: URLSearchParams, selected: string | undefined, error?: string): void {
  const users = ctx.state.principals(request.tenant);
  const action = `${request.version === "v2" ? `/${request.tenantSegment}/v2.0/adminconsent` : `/${request.tenantSegment}/adminconsent`}`;
  sendHtml(
    res,
    error ? 400 : 200,
    signInPage(
      "Permissions requested",
      `<h1>Permissions requested</h1>
<p><strong data-testid="app-name">${escapeHtml(request.app.scenario.displayName)}</strong><br><span class="muted">${escapeHtml(request.app.scenario.publisherName)}</span></p>
<p>This app would like to, for your whole organization:</p>${permissionList(request)}
<p class="muted">Accepting grants these permissions for all users of the organization. Only a Global Administrator or Privileged Role Administrator can accept.</p>
${error ? `<p class="error" role="alert">${escapeHtml(error)}</p>` : ""}
<form method="post" action="${escapeHtml(action)}">${hiddenInputs(params)}
<label for="user">Signed in as</label><select id="user" name="user">${userOptions(users, selected)}</select>
<div class="buttons"><button type="submit" name="action" value="decline">Decline</button><button type="submit" name="action" value="cancel">Cancel</button><button class="primary" type="submit" name="action" value="accept">Accept</button></div>
</form>`,
    ),
  );
}

// GET|POST /{tenant}/adminconsent and /{tenant}/v2.0/adminconsent — the admin-consent endpoints.
export async function adminConsent(ctx: EmulatorContext, req: IncomingMessage, res: ServerResponse, segment: string, version: "v1" | "v2"): Promise<void> {
  const url = new URL(req.url ?? "/", "http://emulator");
  if (req.method === "GET") {
    const request = parseConsentRequest(ctx, res, segment, url.searchParams, version);
    if (request) consentPage(ctx, res, request, url.searchParams, sessionChoice(ctx, req, request.tenant));
    return;
  }
  const form = new URLSearchParams(await readBody(req));
  const userId = form.get("user") ?? "";
  const choice = form.get("action") ?? "";
  form.delete("user");
  form.delete("action");
  const request = parseConsentRequest(ctx, res, segment, form, version);
  if (!request) return;
  // At Microsoft the admin signs in before the consent screen, whatever they then choose.
  const found = ctx.state.principals(request.tenant).find((p) => p.user.id === userId);
  if (found) rememberSignIn(ctx, req, res, found);
  if (choice === "cancel" || choice === "decline") {
    redirect(
      res,
      appendQuery(request.redirectUri, {
        error: "access_denied",
        ...(choice === "cancel" ? { error_subcode: "cancel" } : {}),
        state: request.state,
        error_description: "AADSTS65004: User declined to consent to access the app.",
      }),
    );
    return;
  }
  if (choice !== "accept" || !found) return consentPage(ctx, res, request, form, userId, "Choose who is signing in, then Accept or Cancel.");
  if (!isConsentAdmin(found.user)) {
    signInErrorPage(
      res,
      90094,
      `The grant requires admin permission. ${found.user.userPrincipalName} is not a Global Administrator or Privileged Role Administrator of ${found.tenant.displayName}.`,
      "Need admin approval",
    );
    return;
  }
  const configured = request.app.scenario.requiredResourceAccess.filter((r) => request.resources.includes(r.resource));
  ctx.state.createServicePrincipal(found.tenant.id, request.app.scenario.clientId, grantsFrom(configured), request.app.scenario.directoryRolesOnConsent, ctx.state.clock());
  ctx.state.recordConsent({ tenantId: found.tenant.id, clientId: request.app.scenario.clientId, userId: found.user.id, version });
  redirect(
    res,
    appendQuery(request.redirectUri, {
      admin_consent: "True",
      tenant: found.tenant.id,
      ...(version === "v2" ? { scope: request.scope } : {}),
      state: request.state,
    }),
  );
}
