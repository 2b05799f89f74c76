"use client";

import { useActionState } from "react";

import { CopyLink } from "@/app/dashboard/invites/copy-link";
import { createInviteAction, renewInviteAction, type CreateInviteState, type RenewState } from "@/app/dashboard/invites/actions";

export function InviteForm() {
  const [state, action, pending] = useActionState<CreateInviteState, FormData>(createInviteAction, {});
  const values = state.values ?? { customerName: "", tenantHint: "" };
  const border = (invalid: boolean) => (invalid ? "border-red-600" : "border-slate-300");
  return (
    // Keyed by what was typed, so kept values re-render into the fields after an answer.
    <form key={JSON.stringify(values)} action={action} className="rounded-lg border border-slate-200 bg-white p-5 shadow-sm" aria-describedby="invite-help">
      <h2 className="text-lg font-semibold">New invite</h2>
      <p id="invite-help" className="text-sm text-slate-600">
        The link opens a page for the customer&rsquo;s administrator. For security only a hash of it is kept: copy it now.
      </p>
      <div className="mt-4 grid gap-4 sm:grid-cols-2">
        <div>
          <label htmlFor="customerName" className="block text-sm font-medium">
            Customer name
          </label>
          <input id="customerName" name="customerName" required maxLength={120} defaultValue={values.customerName} className={`mt-1 w-full rounded border px-2 py-1.5 ${border(Boolean(state.errors?.customerName))}`} aria-invalid={Boolean(state.errors?.customerName)} aria-describedby="customerName-error" />
          <p id="customerName-error" className="mt-1 text-sm text-red-700">
            {state.errors?.customerName?.join(" ")}
          </p>
        </div>
        <div>
          <label htmlFor="tenantHint" className="block text-sm font-medium">
            Tenant (optional: ID or domain)
          </label>
          <input id="tenantHint" name="tenantHint" maxLength={253} placeholder="contoso.com" defaultValue={values.tenantHint} className={`mt-1 w-full rounded border px-2 py-1.5 ${border(Boolean(state.errors?.tenantHint))}`} aria-invalid={Boolean(state.errors?.tenantHint)} aria-describedby="tenantHint-error" />
          <p id="tenantHint-error" className="mt-1 text-sm text-red-700">
            {state.errors?.tenantHint?.join(" ")}
          </p>
        </div>
      </div>
      <button type="submit" disabled={pending} className="mt-2 rounded-md bg-brand-600 px-4 py-2 text-sm font-semibold text-white hover:bg-brand-700 disabled:opacity-60">
        {pending ? "Creating…" : "Create invite"}
      </button>
      <div aria-live="polite">
        {state.message ? <p className="mt-3 text-sm">{state.message}</p> : null}
        {state.link ? <CopyLink link={state.link} /> : null}
      </div>
    </form>
  );
}

export function RenewButton({ inviteId }: { inviteId: string }) {
  const [state, action, pending] = useActionState<RenewState, FormData>(renewInviteAction, {});
  return (
    <form action={action} className="inline">
      <input type="hidden" name="inviteId" value={inviteId} />
      <button type="submit" disabled={pending} className="text-brand-700 hover:underline">
        New link
      </button>
      {state.link ? <CopyLink link={state.link} /> : null}
      {state.message ? <span className="ml-2 text-red-700">{state.message}</span> : null}
    </form>
  );
}
