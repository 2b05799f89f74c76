import type { Metadata } from "next";
import Link from "next/link";

import { deleteWebhookAction, pingWebhookAction, redeliverWebhookAction, setWebhookEnabledAction } from "@/app/dashboard/settings/webhooks/actions";
import { CreateWebhookForm } from "@/app/dashboard/settings/webhooks/create-form";
import { When } from "@/app/ui/status-badge";
import { TableHead } from "@/app/ui/table-head";
import { ConfirmBox } from "@/app/ui/confirm-box";
import { MINIMUM_ROLE } from "@/lib/auth/roles";
import { getDb } from "@/lib/db/database";
import { requirePartner } from "@/lib/session/require-partner";
import { EVENT_DESCRIPTIONS, WEBHOOK_EVENT_TYPES } from "@/lib/webhooks/events";
import { getWebhookSettingsView } from "@/lib/webhooks/manage";

export const metadata: Metadata = { title: "Webhooks" };

const NOTICES: Record<string, string> = {
  deleted: "The endpoint and its deliveries are deleted.",
  pinged: "A test ping is queued; it is sent within seconds (reload to see its status).",
  redelivered: "The delivery is queued again; it is sent within seconds.",
};

const STATUS_STYLE: Record<string, string> = { delivered: "text-emerald-800", pending: "text-slate-600", failed: "text-amber-800", abandoned: "text-red-800" };

// GET /dashboard/settings/webhooks — admins only: endpoints, their recent deliveries, add, delete, redeliver.
export default async function WebhooksPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await requirePartner(MINIMUM_ROLE.manageWebhooks);
  const params = await searchParams;
  const { endpoints } = await getWebhookSettingsView(await getDb());
  const notice = Object.keys(NOTICES).find((key) => params[key]);
  const deleting = typeof params.delete === "string" ? endpoints.find((e) => e.id === params.delete) : undefined;
  return (
    <>
      <p className="text-sm">
        <Link href="/dashboard/settings" className="text-brand-700 hover:underline">
          Settings
        </Link>{" "}
        / Webhooks
      </p>
      <h1 className="mt-1 text-2xl font-semibold">Webhooks</h1>
      <p className="mt-1 max-w-3xl text-sm text-slate-600">
        Consentry posts signed JSON (Standard Webhooks: <code className="font-mono">webhook-id</code>, <code className="font-mono">webhook-timestamp</code>, <code className="font-mono">webhook-signature</code>) when a tenant regresses, recovers, loses consent and more. A failed delivery is retried with backoff for over 24 hours; redirects are never followed.
      </p>
      {notice ? (
        <p role="status" className="mt-3 rounded bg-emerald-50 p-3 text-sm text-emerald-900">
          {NOTICES[notice]}
        </p>
      ) : null}

      {deleting ? (
        <ConfirmBox id="delete-webhook-title" title={<>Delete the endpoint {deleting.url}?</>} action={deleteWebhookAction} fields={{ id: deleting.id }} confirmLabel="Yes, delete it" cancelHref="/dashboard/settings/webhooks">
          <p className="mt-1">It receives nothing more, and its delivery history goes with it. This cannot be undone.</p>
        </ConfirmBox>
      ) : null}

      <section aria-labelledby="endpoints-title" className="mt-6">
        <h2 id="endpoints-title" className="text-lg font-semibold">
          Endpoints
        </h2>
        {endpoints.length === 0 ? <p className="mt-2 text-sm text-slate-600">None yet. Add one below.</p> : null}
        {endpoints.map((e) => (
          <article key={e.id} className="mt-4 rounded-md border border-slate-200 p-4 text-sm" data-webhook-id={e.id}>
            <div className="flex flex-wrap items-baseline justify-between gap-2">
              <h3 className="break-all font-mono font-semibold">{e.url}</h3>
              <span className={e.enabled ? "text-emerald-800" : "text-slate-500"}>{e.enabled ? "enabled" : "disabled"}</span>
            </div>
            {e.description ? <p className="mt-1">{e.description}</p> : null}
            <p className="mt-1 text-slate-600">
              {e.format === "standard" ? "Standard Webhooks JSON" : `${e.format === "teams" ? "Teams" : "Slack"} text`} · events: {e.events.join(", ")} · added <When iso={e.createdAt} /> by {e.createdBy}
            </p>
            <div className="mt-2 flex flex-wrap gap-3">
              <form action={pingWebhookAction}>
                <input type="hidden" name="id" value={e.id} />
                <button type="submit" className="rounded border border-slate-300 px-3 py-1 hover:bg-slate-50">
                  Send test ping
                </button>
              </form>
              <form action={setWebhookEnabledAction}>
                <input type="hidden" name="id" value={e.id} />
                <input type="hidden" name="enabled" value={e.enabled ? "false" : "true"} />
                <button type="submit" className="rounded border border-slate-300 px-3 py-1 hover:bg-slate-50">
                  {e.enabled ? "Disable" : "Enable"}
                </button>
              </form>
              <Link href={`/dashboard/settings/webhooks?delete=${e.id}`} className="rounded border border-red-300 px-3 py-1 text-red-800 hover:bg-red-50">
                Delete…
              </Link>
            </div>
            {e.recentDeliveries.length ? (
              <div className="mt-3 overflow-x-auto">
                <table className="w-full text-sm" data-testid="webhook-deliveries">
                  <TableHead columns={["Event", "Created", "Status", "Attempts", "Last answer", "Next attempt", ""]} dense />
                  <tbody>
                    {e.recentDeliveries.map((d) => (
                      <tr key={d.id} className="border-b border-slate-100">
                        <td className="py-1 pr-3 font-mono text-xs">{d.eventType}</td>
                        <td className="py-1 pr-3">
                          <When iso={d.createdAt} />
                        </td>
                        <td className={`py-1 pr-3 ${STATUS_STYLE[d.status] ?? ""}`}>{d.status}</td>
                        <td className="py-1 pr-3">{d.attempts}</td>
                        <td className="py-1 pr-3">
                          {d.lastStatusCode ?? (d.lastError ? "no answer" : "—")}
                          {d.lastResponseMs !== null ? ` in ${d.lastResponseMs} ms` : ""}
                          {d.lastError && d.lastStatusCode === null ? <span className="block text-xs text-slate-500">{d.lastError}</span> : null}
                        </td>
                        <td className="py-1 pr-3">{d.nextAttemptAt ? <When iso={d.nextAttemptAt} /> : "—"}</td>
                        <td className="py-1 pr-3">
                          <form action={redeliverWebhookAction}>
                            <input type="hidden" name="id" value={d.id} />
                            <button type="submit" className="text-brand-700 hover:underline">
                              Redeliver
                            </button>
                          </form>
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            ) : (
              <p className="mt-3 text-slate-500">No deliveries yet.</p>
            )}
          </article>
        ))}
      </section>

      <section aria-labelledby="add-webhook-title" className="mt-8">
        <h2 id="add-webhook-title" className="text-lg font-semibold">
          Add an endpoint
        </h2>
        <CreateWebhookForm events={WEBHOOK_EVENT_TYPES.map((type) => ({ type, description: EVENT_DESCRIPTIONS[type] }))} />
      </section>
    </>
  );
}
