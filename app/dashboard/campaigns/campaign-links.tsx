"use client";

import { useActionState, useEffect, useRef } from "react";

import type { CampaignLinksState } from "@/app/dashboard/campaigns/actions";

/** A button that runs `action` and offers the links it returns as a CSV file, downloaded at once. */
export function CampaignLinksButton({
  action,
  label,
  pendingLabel,
  campaignId,
  warning,
}: {
  action: (previous: CampaignLinksState, formData: FormData) => Promise<CampaignLinksState>;
  label: string;
  pendingLabel: string;
  campaignId?: string;
  warning?: string;
}) {
  const [state, run, pending] = useActionState<CampaignLinksState, FormData>(action, { kind: "empty" });
  const download = useRef<HTMLAnchorElement>(null);
  const href = state.kind === "links" ? `data:text/csv;charset=utf-8,${encodeURIComponent(state.csv)}` : undefined;
  useEffect(() => {
    if (state.kind === "links") download.current?.click();
  }, [state]);
  return (
    <form action={run} className="mt-3 text-sm">
      {campaignId ? <input type="hidden" name="campaignId" value={campaignId} /> : null}
      {warning ? <p className="mb-2 text-slate-600">{warning}</p> : null}
      <button type="submit" disabled={pending} className="rounded-md bg-brand-700 px-4 py-2 font-semibold text-white hover:bg-brand-900 disabled:opacity-60">
        {pending ? pendingLabel : label}
      </button>
      <div aria-live="polite">
        {state.kind === "links" ? (
          <p role="status" className="mt-3 rounded bg-emerald-50 p-3 text-emerald-900">
            {state.count} link{state.count === 1 ? "" : "s"} made.{" "}
            <a ref={download} href={href} download={`consentry-campaign-${state.campaignId.slice(0, 8)}.csv`} className="font-semibold underline" data-testid="campaign-csv">
              Download the CSV again
            </a>{" "}
            (customer, tenant, link, for a mail merge). Keep it: the links are not stored and are shown only now.
          </p>
        ) : null}
        {state.kind === "error" ? <p className="mt-3 text-red-700">{state.message}</p> : null}
      </div>
    </form>
  );
}
