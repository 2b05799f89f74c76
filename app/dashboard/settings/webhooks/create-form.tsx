"use client";

import { useActionState } from "react";

import { createWebhookAction, type CreateWebhookState } from "@/app/dashboard/settings/webhooks/actions";

/** Add a webhook endpoint; its signing secret is shown here once, with a copy button. */
export function CreateWebhookForm({ events }: { events: { type: string; description: string }[] }) {
  const [state, action, pending] = useActionState<CreateWebhookState, FormData>(createWebhookAction, { kind: "empty" });
  const values = state.kind === "invalid" ? state.values : { url: "", description: "", events: ["tenant.regressed", "tenant.consent_revoked"], format: "standard" };
  const errors = state.kind === "invalid" ? state.errors : {};
  const border = (bad: string | undefined) => `mt-1 rounded border px-2 py-1 ${bad ? "border-red-600" : "border-slate-300"}`;
  return (
    <div className="mt-3">
      {state.kind === "created" ? (
        <div role="status" className="mb-3 rounded bg-emerald-50 p-3 text-sm text-emerald-900">
          <p>
            Endpoint <strong>{state.url}</strong> added. Copy its signing secret now: it is shown only this once. Your receiver verifies each delivery with it.
          </p>
          <div className="mt-2 flex flex-wrap items-center gap-2">
            <input readOnly value={state.secret} aria-label="Signing secret" data-testid="new-webhook-secret" className="w-full max-w-xl rounded border border-emerald-300 bg-white px-2 py-1 font-mono text-xs" onFocus={(e) => e.currentTarget.select()} />
            <button type="button" className="rounded border border-emerald-400 px-3 py-1" onClick={() => void navigator.clipboard?.writeText(state.secret)}>
              Copy
            </button>
          </div>
        </div>
      ) : null}
      <form action={action} className="grid gap-3 text-sm" key={JSON.stringify(values)} noValidate>
        <label className="block">
          <span className="block font-medium">URL</span>
          <input name="url" type="url" defaultValue={values.url} placeholder="https://psa.example.com/hooks/consentry" aria-invalid={errors.url ? true : undefined} aria-describedby={errors.url ? "webhook-url-error" : undefined} className={`${border(errors.url)} w-full max-w-xl`} />
          {errors.url ? (
            <span id="webhook-url-error" className="mt-1 block text-red-700">
              {errors.url}
            </span>
          ) : null}
        </label>
        <label className="block">
          <span className="block font-medium">Description (optional)</span>
          <input name="description" defaultValue={values.description} maxLength={200} aria-invalid={errors.description ? true : undefined} className={`${border(errors.description)} w-full max-w-xl`} />
          {errors.description ? <span className="mt-1 block text-red-700">{errors.description}</span> : null}
        </label>
        <fieldset aria-invalid={errors.events ? true : undefined} aria-describedby={errors.events ? "webhook-events-error" : undefined}>
          <legend className="font-medium">Events</legend>
          {events.map((e) => (
            <label key={e.type} className="mt-1 flex items-start gap-2">
              <input type="checkbox" name="events" value={e.type} defaultChecked={values.events.includes(e.type)} className="mt-1" />
              <span>
                <code className="font-mono">{e.type}</code> — {e.description}
              </span>
            </label>
          ))}
          {errors.events ? (
            <span id="webhook-events-error" className="mt-1 block text-red-700">
              {errors.events}
            </span>
          ) : null}
        </fieldset>
        <label className="block">
          <span className="block font-medium">Format</span>
          <select name="format" defaultValue={values.format} aria-invalid={errors.format ? true : undefined} className={border(errors.format)}>
            <option value="standard">Standard Webhooks JSON (for your own code, PSA, ticketing)</option>
            <option value="teams">Microsoft Teams incoming webhook (text)</option>
            <option value="slack">Slack incoming webhook (text)</option>
          </select>
          {errors.format ? <span className="mt-1 block text-red-700">{errors.format}</span> : null}
        </label>
        <div>
          <button type="submit" disabled={pending} className="rounded-md bg-brand-700 px-4 py-1.5 font-semibold text-white hover:bg-brand-900 disabled:opacity-60">
            {pending ? "Adding…" : "Add endpoint"}
          </button>
        </div>
      </form>
    </div>
  );
}
