"use client";

import { useActionState } from "react";

import { createApiKeyAction, type CreateApiKeyState } from "@/app/dashboard/settings/api-key-actions";

/** Create an API key; the key is shown here once, with a copy button. */
export function ApiKeyForm() {
  const [state, action, pending] = useActionState<CreateApiKeyState, FormData>(createApiKeyAction, { kind: "empty" });
  const values = state.kind === "invalid" ? state.values : { name: "", role: "reader" };
  const errors = state.kind === "invalid" ? state.errors : {};
  return (
    <div className="mt-3">
      {state.kind === "created" ? (
        <div role="status" className="mb-3 rounded bg-emerald-50 p-3 text-sm text-emerald-900">
          <p>
            Key <strong>{state.name}</strong> ({state.role}) created. Copy it now: it is shown only this once.
          </p>
          <div className="mt-2 flex flex-wrap items-center gap-2">
            <input readOnly value={state.key} aria-label="New API key" data-testid="new-api-key" className="w-full max-w-xl rounded border border-emerald-300 bg-white px-2 py-1 font-mono text-xs" onFocus={(e) => e.currentTarget.select()} />
            <button type="button" className="rounded border border-emerald-400 px-3 py-1" onClick={() => void navigator.clipboard?.writeText(state.key)}>
              Copy
            </button>
          </div>
        </div>
      ) : null}
      <form action={action} className="flex flex-wrap items-start gap-3 text-sm" key={JSON.stringify(values)}>
        <label className="block">
          <span className="block font-medium">Name</span>
          <input
            name="name"
            defaultValue={values.name}
            required
            maxLength={80}
            placeholder="PSA sync"
            aria-invalid={errors.name ? true : undefined}
            aria-describedby={errors.name ? "api-key-name-error" : undefined}
            className={`mt-1 w-64 rounded border px-2 py-1 ${errors.name ? "border-red-600" : "border-slate-300"}`}
          />
          {errors.name ? (
            <span id="api-key-name-error" className="mt-1 block text-red-700">
              {errors.name}
            </span>
          ) : null}
        </label>
        <label className="block">
          <span className="block font-medium">Role</span>
          <select name="role" defaultValue={values.role} aria-invalid={errors.role ? true : undefined} className="mt-1 rounded border border-slate-300 px-2 py-1">
            <option value="reader">Reader: read tenants, runs, invites, audit</option>
            <option value="operator">Operator: also run probes, create invites</option>
            <option value="admin">Admin: everything</option>
          </select>
          {errors.role ? <span className="mt-1 block text-red-700">{errors.role}</span> : null}
        </label>
        <button type="submit" disabled={pending} className="mt-6 rounded-md bg-brand-700 px-4 py-1.5 font-semibold text-white hover:bg-brand-900 disabled:opacity-60">
          {pending ? "Creating…" : "Create API key"}
        </button>
      </form>
    </div>
  );
}
