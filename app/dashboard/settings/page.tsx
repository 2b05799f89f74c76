import type { Metadata } from "next";
import Link from "next/link";
import type { ReactNode } from "react";

import { signEveryoneOutAction } from "@/app/dashboard/settings/actions";
import { revokeApiKeyAction } from "@/app/dashboard/settings/api-key-actions";
import { ApiKeyForm } from "@/app/dashboard/settings/api-key-form";
import { TableHead } from "@/app/ui/table-head";
import { listApiKeys } from "@/lib/auth/api-keys";
import { AppRegistrationSection } from "@/app/dashboard/settings/app-registration";
import { When } from "@/app/ui/status-badge";
import { ConfirmBox } from "@/app/ui/confirm-box";
import { getAdminSettingsView, SIGN_EVERYONE_OUT_CONFIRMATION, type CredentialView } from "@/lib/auth/admin-settings";
import { MINIMUM_ROLE } from "@/lib/auth/roles";
import { getDb } from "@/lib/db/database";
import { getRegistrationSettingsView } from "@/lib/permissions/settings-view";
import { requirePartner } from "@/lib/session/require-partner";

export const metadata: Metadata = { title: "Settings" };

function Credential({ credential }: { credential: CredentialView }) {
  if (credential.kind === "none") return <>none configured</>;
  if (credential.kind === "secret") return <>client secret (its value is never shown)</>;
  return (
    <>
      certificate, SHA-256 thumbprint <span className="font-mono text-xs">{credential.thumbprintSha256}</span>, valid until <When iso={credential.notAfter} />
    </>
  );
}

// GET /dashboard/settings — admins only: the portal's settings (read-only) and "Sign everyone out".
export default async function SettingsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await requirePartner(MINIMUM_ROLE.viewSettings);
  const params = await searchParams;
  const db = await getDb();
  const [settings, registration, apiKeys] = await Promise.all([getAdminSettingsView(db), getRegistrationSettingsView(db), listApiKeys(db)]);
  const revokingKey = typeof params.revokeKey === "string" ? apiKeys.find((k) => k.id === params.revokeKey && !k.revokedAt) : undefined;
  const refreshedTo = typeof params.refreshed === "string" && /^\d{1,9}$/.test(params.refreshed) ? params.refreshed : null;
  const notice = refreshedTo
    ? params.readFailed
      ? `The registration could not be read; version ${refreshedTo} stays in force.`
      : params.created
        ? `The registration changed: version ${refreshedTo} recorded. Tenants consented to an older version that lacks its permissions now need re-consent.`
        : `Read again: unchanged (version ${refreshedTo}).`
    : null;
  const confirming = params.confirm === SIGN_EVERYONE_OUT_CONFIRMATION;
  const raisedTo = typeof params.signedEveryoneOut === "string" && /^\d{1,15}$/.test(params.signedEveryoneOut) ? params.signedEveryoneOut : null;
  const rows: [string, ReactNode][] = [
    ["App", settings.appDisplayName],
    ["Application (client) ID", <span key="client" className="font-mono">{settings.clientId}</span>],
    ["Credential", <Credential key="credential" credential={settings.credential} />],
    ["Cloud", `${settings.cloud} (${settings.authorityHost})`],
    ["Partner tenant", <span key="tenant"><span className="font-mono">{settings.partnerTenantId}</span> ({settings.partnerDisplayName})</span>],
    ["Public URL", settings.publicBaseUrl],
  ];
  return (
    <>
      <h1 className="text-2xl font-semibold">Settings</h1>
      <p className="mt-1 text-sm text-slate-600">These come from the portal&rsquo;s environment (see .env.example); change them there and restart.</p>
      <dl className="mt-4 grid grid-cols-[max-content_1fr] gap-x-6 gap-y-1 text-sm" data-testid="settings">
        {rows.map(([label, value]) => (
          <div key={label} className="contents">
            <dt className="text-slate-500">{label}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>

      <AppRegistrationSection view={registration} notice={notice} />

      <nav aria-label="More settings" className="mt-6 flex flex-wrap gap-4 text-sm">
        <Link href="/dashboard/settings/schedule" className="rounded-md border border-slate-300 px-3 py-1.5 hover:bg-slate-50">
          Re-test schedule
        </Link>
        <Link href="/dashboard/settings/webhooks" className="rounded-md border border-slate-300 px-3 py-1.5 hover:bg-slate-50">
          Webhooks
        </Link>
        <a href="#api-keys" className="rounded-md border border-slate-300 px-3 py-1.5 hover:bg-slate-50">
          API keys
        </a>
      </nav>

      <section id="api-keys" aria-labelledby="api-keys-title" className="mt-8">
        <h2 id="api-keys-title" className="text-lg font-semibold">
          API keys
        </h2>
        <p className="mt-1 text-sm">
          For scripts and your own tools: send <code className="font-mono">Authorization: Bearer &lt;key&gt;</code> to <code className="font-mono">/api/v1</code> (see{" "}
          <a href="/api/openapi.json" className="text-brand-700 underline">
            the OpenAPI document
          </a>
          ). Only a hash of each key is kept; its prefix tells keys apart. Every write is in the audit log under the key&rsquo;s name.
        </p>
        {params.revokedKey ? (
          <p role="status" className="mt-3 rounded bg-emerald-50 p-3 text-sm text-emerald-900">
            The key is revoked: requests with it now get 401.
          </p>
        ) : null}
        <ApiKeyForm />
        {revokingKey ? (
          <ConfirmBox id="revoke-key-title" title={<>Revoke the key &ldquo;{revokingKey.name}&rdquo; ({revokingKey.prefix}…)?</>} action={revokeApiKeyAction} fields={{ id: revokingKey.id }} confirmLabel="Yes, revoke it" cancelHref="/dashboard/settings#api-keys" headingLevel={3}>
            <p className="mt-1">Every script using it stops working at once; this cannot be undone (create a new key instead).</p>
          </ConfirmBox>
        ) : null}
        {apiKeys.length ? (
          <div className="mt-4 overflow-x-auto">
            <table className="w-full text-sm" data-testid="api-keys">
              <TableHead columns={["Name", "Role", "Prefix", "Created", "Last used", "State"]} dense />
              <tbody>
                {apiKeys.map((k) => (
                  <tr key={k.id} className="border-b border-slate-100" data-key-id={k.id}>
                    <td className="py-1 pr-3">{k.name}</td>
                    <td className="py-1 pr-3">{k.role}</td>
                    <td className="py-1 pr-3 font-mono text-xs">{k.prefix}…</td>
                    <td className="py-1 pr-3">
                      <When iso={k.createdAt} /> by {k.createdBy}
                    </td>
                    <td className="py-1 pr-3">{k.lastUsedAt ? <When iso={k.lastUsedAt} /> : "never"}</td>
                    <td className="py-1 pr-3">
                      {k.revokedAt ? (
                        <span>
                          revoked <When iso={k.revokedAt} />
                        </span>
                      ) : (
                        <Link href={`/dashboard/settings?revokeKey=${k.id}#api-keys`} className="text-red-800 hover:underline">
                          Revoke…
                        </Link>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : (
          <p className="mt-3 text-sm text-slate-600">No API keys yet.</p>
        )}
      </section>

      <section aria-labelledby="sessions-title" className="mt-8">
        <h2 id="sessions-title" className="text-lg font-semibold">
          Partner sessions
        </h2>
        <p className="mt-1 text-sm">
          A session ends {settings.sessionAbsoluteHours} hours after sign-in, or after {settings.sessionIdleMinutes} minutes without activity (SESSION_IDLE_MINUTES). Session version{" "}
          <strong data-testid="session-version">{settings.sessionVersion.version}</strong>
          {settings.sessionVersion.updatedAt ? (
            <>
              , raised <When iso={settings.sessionVersion.updatedAt} /> by {settings.sessionVersion.updatedBy ?? "unknown"}
            </>
          ) : (
            ", never raised"
          )}
          .
        </p>
        {raisedTo ? (
          <p role="status" className="mt-3 rounded bg-emerald-50 p-3 text-sm text-emerald-900">
            Everyone else is signed out (session version {raisedTo}); they must sign in again. You stay signed in in this browser.
          </p>
        ) : null}
        {confirming ? (
          <ConfirmBox id="confirm-title" title="Sign everyone out?" action={signEveryoneOutAction} confirmLabel="Yes, sign everyone out" cancelHref="/dashboard/settings" headingLevel={3} confirmValue={SIGN_EVERYONE_OUT_CONFIRMATION}>
            <p className="mt-1">
            Every partner session on every instance ends at its next request, including other browsers of yours. People must sign in again; nothing else changes. Use it when a role
            was taken away or a device was lost.
            </p>
          </ConfirmBox>
        ) : (
          <Link
            href={`/dashboard/settings?confirm=${SIGN_EVERYONE_OUT_CONFIRMATION}`}
            className="mt-4 inline-block rounded-md border border-red-300 px-4 py-2 text-sm font-semibold text-red-800 hover:bg-red-50"
          >
            Sign everyone out…
          </Link>
        )}
      </section>
    </>
  );
}
