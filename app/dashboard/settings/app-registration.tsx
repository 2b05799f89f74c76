import { refreshRegistrationAction } from "@/app/dashboard/settings/actions";
import { When } from "@/app/ui/status-badge";
import { formatPermission } from "@/lib/permissions/catalog";
import { CREDENTIAL_WARNING_DAYS, type RegistrationSettingsView } from "@/lib/permissions/settings-view";

const CREDENTIAL_STYLE = { ok: "text-emerald-800", expiring: "font-semibold text-amber-800", expired: "font-semibold text-red-800", unknown: "text-slate-600" } as const;

/** The app registration as last read from Graph: permissions per resource with their versions, redirect URIs, credentials. */
export function AppRegistrationSection({ view, notice }: { view: RegistrationSettingsView; notice: string | null }) {
  const read = view.read;
  const current = view.versions[0] ?? null;
  const warnings = view.credentials.filter((c) => c.state === "expiring" || c.state === "expired");
  return (
    <section id="app-registration" aria-labelledby="registration-title" className="mt-8" data-testid="app-registration">
      <h2 id="registration-title" className="text-lg font-semibold">
        App registration
      </h2>
      <p className="mt-1 text-sm text-slate-600">
        The app&rsquo;s permissions are its registration&rsquo;s <code>requiredResourceAccess</code>, read from Microsoft Graph in your tenant (client ID{" "}
        <span className="font-mono" data-testid="registration-client-id">
          {view.clientId}
        </span>
        ). They are read at start-up, before each bulk run and when you press the button.
      </p>
      {read ? (
        read.ok ? (
          <p className="mt-2 text-sm" data-testid="registration-read">
            Read <When iso={read.readAt} />
            {read.displayName ? <> · {read.displayName}</> : null}
            {read.ignored.length ? <> · {read.ignored.length} permission(s) of other APIs not shown</> : null}
          </p>
        ) : (
          <p role="alert" className="mt-2 rounded bg-amber-50 p-3 text-sm text-amber-900" data-testid="registration-read-failed">
            The registration could not be read (<When iso={read.readAt} />): {read.message}
          </p>
        )
      ) : (
        <p className="mt-2 text-sm text-slate-600">Not read yet.</p>
      )}
      {view.fallback ? (
        <p className="mt-2 rounded bg-amber-50 p-3 text-sm text-amber-900" data-testid="registration-fallback">
          Using the fallback from <code>APP_PERMISSIONS</code>, not the registration: the consent page shows no Microsoft descriptions and adding a permission in the
          Entra admin center goes unnoticed until the registration can be read.
        </p>
      ) : null}
      {notice ? (
        <p role="status" className="mt-2 rounded bg-emerald-50 p-3 text-sm text-emerald-900" data-testid="refresh-result">
          {notice}
        </p>
      ) : null}
      <form action={refreshRegistrationAction} className="mt-3">
        <button type="submit" className="rounded-md border border-slate-300 bg-white px-4 py-2 text-sm font-semibold hover:bg-slate-50">
          Refresh from the app registration
        </button>
      </form>

      <h3 className="mt-5 font-semibold">Credentials</h3>
      {warnings.map((c) => (
        <p key={`w-${c.kind}-${c.name}`} role="alert" className="mt-2 rounded bg-amber-50 p-3 text-sm text-amber-900" data-testid="credential-warning">
          {c.state === "expired"
            ? `The ${c.kind} ${c.name} has expired: remove it from the app registration, and if Consentry still uses it, add a new one and switch Consentry to it now.`
            : `The ${c.kind} ${c.name} expires in ${c.daysLeft} day${c.daysLeft === 1 ? "" : "s"}: add a new one to the app registration and switch Consentry to it before then (warned ${CREDENTIAL_WARNING_DAYS} days ahead).`}
        </p>
      ))}
      {view.credentials.length ? (
        <ul className="mt-2 space-y-1 text-sm" data-testid="credentials">
          {view.credentials.map((c) => (
            <li key={`${c.kind}-${c.name}`} data-kind={c.kind} data-state={c.state}>
              {c.kind === "certificate" ? "Certificate" : "Client secret"} <span className="font-mono">{c.name}</span>:{" "}
              <span className={CREDENTIAL_STYLE[c.state]}>
                {c.endDateTime ? (
                  <>
                    {c.state === "expired" ? "expired" : "expires"} <When iso={c.endDateTime} />
                  </>
                ) : (
                  "no end date"
                )}
              </span>
            </li>
          ))}
        </ul>
      ) : (
        <p className="mt-1 text-sm text-slate-600">Known once the registration is read.</p>
      )}

      <h3 className="mt-5 font-semibold">Redirect URIs it must list (Web platform)</h3>
      <ul className="mt-1 space-y-1 text-sm" data-testid="redirect-uris">
        {view.redirectUris.map((r) => (
          <li key={r.uri}>
            <span className="font-mono">{r.uri}</span>{" "}
            {r.registered === null ? null : r.registered ? <span className="text-emerald-800">registered</span> : <span className="font-semibold text-red-800">missing: add it</span>}
          </li>
        ))}
      </ul>

      <h3 className="mt-5 font-semibold">Permissions{current ? ` (version ${current.version})` : ""}</h3>
      {current ? (
        <div className="mt-1 space-y-3 text-sm" data-testid="registration-permissions">
          {current.byResource.map((group) => (
            <div key={group.resource} data-resource={group.resource}>
              <p className="font-medium">{group.label}</p>
              <ul className="ml-4 list-disc">
                {group.permissions.map((p) => (
                  <li key={p.value} data-permission={formatPermission(p)}>
                    <span className="font-mono">{p.value}</span>
                    {p.displayName ? <> · {p.displayName}</> : null}
                    {p.appRoleId ? <span className="font-mono text-xs text-slate-500"> · {p.appRoleId}</span> : null}
                  </li>
                ))}
              </ul>
            </div>
          ))}
        </div>
      ) : null}

      <h3 className="mt-5 font-semibold">Version history</h3>
      <ol className="mt-1 space-y-1 text-sm" data-testid="permission-versions">
        {view.versions.map((v) => (
          <li key={v.version} data-version={v.version}>
            Version {v.version} · <When iso={v.createdAt} /> · {v.source === "registration" ? "from the registration" : v.source === "fallback" ? "APP_PERMISSIONS fallback" : "from settings"} ·{" "}
            {v.byResource.reduce((n, g) => n + g.permissions.length, 0)} permissions
            {v.added.length ? <> · added {v.added.join(", ")}</> : null}
            {v.removed.length ? <> · removed {v.removed.join(", ")}</> : null}
          </li>
        ))}
      </ol>
    </section>
  );
}
