import type { Metadata } from "next";
import Link from "next/link";
import type { ReactNode } from "react";

import { signEveryoneOutAction } from "@/app/dashboard/settings/actions";
import { AppRegistrationSection } from "@/app/dashboard/settings/app-registration";
import { When } from "@/app/ui/status-badge";
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
  const [settings, registration] = await Promise.all([getAdminSettingsView(db), getRegistrationSettingsView(db)]);
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
          <div className="mt-4 rounded-md border border-red-300 bg-red-50 p-4 text-sm" role="group" aria-labelledby="confirm-title">
            <h3 id="confirm-title" className="font-semibold text-red-900">
              Sign everyone out?
            </h3>
            <p className="mt-1">
              Every partner session on every instance ends at its next request, including other browsers of yours. People must sign in again; nothing else changes. Use it when a role
              was taken away or a device was lost.
            </p>
            <form action={signEveryoneOutAction} className="mt-3 flex items-center gap-3">
              <input type="hidden" name="confirm" value={SIGN_EVERYONE_OUT_CONFIRMATION} />
              <button type="submit" className="rounded-md bg-red-700 px-4 py-2 font-semibold text-white hover:bg-red-800">
                Yes, sign everyone out
              </button>
              <Link href="/dashboard/settings" className="text-brand-700 hover:underline">
                Cancel
              </Link>
            </form>
          </div>
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
