"use client";

import { useActionState, useEffect, useState } from "react";

import { CopyLink } from "@/app/dashboard/invites/copy-link";
import { reconsentLinkAction, runProbesAction, setTestMailboxAction, type ActionState } from "@/app/dashboard/tenants/[id]/actions";

/** Which of these the partner's role may use; the server actions check again. */
export interface ProbeActionsAllowed {
  runProbes: boolean;
  makeReconsentLink: boolean;
  setTestMailbox: boolean;
}

export function ProbeActions({ tenantId, testMailbox, allowed }: { tenantId: string; testMailbox: string | null; allowed: ProbeActionsAllowed }) {
  const [run, runAction, running] = useActionState<ActionState, FormData>(runProbesAction, {});
  const [link, linkAction, linking] = useActionState<ActionState, FormData>(reconsentLinkAction, {});
  const [mailbox, mailboxAction, saving] = useActionState<ActionState, FormData>(setTestMailboxAction, {});
  // One click: the link is made and put on the clipboard (where the browser allows it), and shown.
  const [copiedLink, setCopiedLink] = useState<string | null>(null);
  useEffect(() => {
    const made = link.link;
    if (!made) return;
    navigator.clipboard?.writeText(made).then(
      () => setCopiedLink(made),
      () => undefined,
    );
  }, [link]);
  const copied = Boolean(link.link) && copiedLink === link.link;
  return (
    <div className="mt-4 space-y-3">
      <div className="flex flex-wrap items-center gap-2">
        {allowed.runProbes ? (
          <>
            <form action={runAction}>
              <input type="hidden" name="tenantId" value={tenantId} />
              <input type="hidden" name="iterations" value="1" />
              <button type="submit" disabled={running} className="rounded-md bg-brand-600 px-4 py-2 text-sm font-semibold text-white hover:bg-brand-700 disabled:opacity-60">
                {running ? "Running probes…" : "Run probes now"}
              </button>
            </form>
            <form action={runAction}>
              <input type="hidden" name="tenantId" value={tenantId} />
              <input type="hidden" name="iterations" value="20" />
              <button type="submit" disabled={running} className="rounded-md border border-slate-300 px-4 py-2 text-sm hover:bg-slate-50 disabled:opacity-60">
                Run 20 times (pass rate)
              </button>
            </form>
          </>
        ) : null}
        {allowed.makeReconsentLink ? (
          <form action={linkAction}>
            <input type="hidden" name="tenantId" value={tenantId} />
            <button type="submit" disabled={linking} className="rounded-md border border-slate-300 px-4 py-2 text-sm hover:bg-slate-50">
              Copy re-consent link
            </button>
          </form>
        ) : null}
      </div>
      <div aria-live="polite" className="text-sm">
        {run.message ? <p role="status">{run.message}</p> : null}
        {run.error ? <p className="text-red-700">{run.error}</p> : null}
        {link.link ? (
          <div>
            <p role="status">
              {copied ? "Copied. " : ""}Send this link to a Global Administrator of the tenant; accepting grants every permission the app is configured for now. It replaces the tenant&rsquo;s
              earlier re-consent link for these permissions.
            </p>
            <CopyLink link={link.link} />
          </div>
        ) : null}
        {link.error ? <p className="text-red-700">{link.error}</p> : null}
      </div>
      {allowed.setTestMailbox ? (
        <form action={mailboxAction} className="flex flex-wrap items-end gap-2 text-sm">
          <input type="hidden" name="tenantId" value={tenantId} />
          <label className="block">
            <span className="block font-medium">Test mailbox</span>
            <input name="mailbox" defaultValue={testMailbox ?? ""} placeholder="picked automatically" className="mt-1 w-72 rounded border border-slate-300 px-2 py-1" />
          </label>
          <button type="submit" disabled={saving} className="rounded border border-slate-300 px-3 py-1 hover:bg-slate-50">
            Save
          </button>
          {mailbox.message ? <span role="status">{mailbox.message}</span> : null}
          {mailbox.error ? <span className="text-red-700">{mailbox.error}</span> : null}
        </form>
      ) : (
        <p className="text-sm">
          <span className="font-medium">Test mailbox:</span> {testMailbox ?? "picked automatically"}
        </p>
      )}
    </div>
  );
}
