"use client";

import { useActionState } from "react";

import { importTenantAction, type ImportState } from "@/app/dashboard/import-actions";

/** For tenants that consented before Consentry: checked with a real token, never taken on trust. */
export function ImportTenantForm() {
  const [state, action, pending] = useActionState<ImportState, FormData>(importTenantAction, {});
  return (
    <details className="mt-6 text-sm">
      <summary className="cursor-pointer font-medium text-brand-700">Add a tenant that already consented</summary>
      <form action={action} className="mt-2 flex flex-wrap items-end gap-2">
        <label className="block">
          <span className="block">Tenant ID</span>
          <input name="tenantId" required placeholder="00000000-0000-0000-0000-000000000000" className="mt-1 w-80 rounded border border-slate-300 px-2 py-1 font-mono" aria-describedby="import-error" />
        </label>
        <button type="submit" disabled={pending} className="rounded border border-slate-300 px-3 py-1 hover:bg-slate-50">
          {pending ? "Checking…" : "Check and add"}
        </button>
        <p id="import-error" className="w-full text-red-700" aria-live="polite">
          {state.error}
        </p>
      </form>
    </details>
  );
}
