"use client";

import { useActionState, useEffect, useRef } from "react";

import { explainAction } from "@/app/dashboard/explain/actions";
import { FindingCard } from "@/app/ui/finding-card";
import type { ExplainFormState, ExplainFormValues } from "@/lib/diagnosis/explain-form";

const input = "mt-1 w-full rounded border px-2 py-1 font-mono text-sm";

/** A fact the partner may know or not: yes, no, or not known. */
function YesNo({ name, label, value }: { name: string; label: string; value: string | undefined }) {
  return (
    <label className="block">
      {label}
      <select name={name} defaultValue={value ?? ""} className={`${input} border-slate-300`}>
        <option value="">Not known</option>
        <option value="yes">Yes</option>
        <option value="no">No</option>
      </select>
    </label>
  );
}

/** The explain form: what a partner has, pasted as it is; the finding appears below it. */
export function ExplainForm({ clientId, probes }: { clientId: string; probes: { key: string; title: string }[] }) {
  const [state, action, pending] = useActionState<ExplainFormState, FormData>(explainAction, { kind: "empty" });
  const formRef = useRef<HTMLFormElement>(null);
  const resultRef = useRef<HTMLElement>(null);
  // After an answer, focus goes where the person must look: the field to correct, or the finding.
  useEffect(() => {
    if (state.kind === "invalid") {
      const field = state.field ? formRef.current?.elements.namedItem(state.field) : null;
      (field instanceof HTMLElement ? field : document.getElementById("explain-error"))?.focus();
    } else if (state.kind === "explained") resultRef.current?.focus();
  }, [state]);
  const values: Partial<ExplainFormValues> = state.kind === "empty" ? { clientId } : state.values;
  const wrong = (field: keyof ExplainFormValues) => (state.kind === "invalid" && state.field === field ? { "aria-invalid": true as const, "aria-describedby": "explain-error" } : {});
  const border = (field: keyof ExplainFormValues) => (state.kind === "invalid" && state.field === field ? "border-red-600" : "border-slate-300");
  // Keyed by the values so a kept value re-renders into the uncontrolled fields after an answer.
  const key = JSON.stringify(values);
  return (
    <>
      <form ref={formRef} action={action} className="mt-4 grid gap-4 md:grid-cols-2" key={key} aria-label="Error to explain">
        <p id="explain-error" tabIndex={-1} role="alert" className={`text-sm font-medium text-red-700 md:col-span-2 ${state.kind === "invalid" ? "" : "hidden"}`}>
          {state.kind === "invalid" ? state.message : ""}
        </p>
        <label className="block text-sm">
          <span className="font-medium">HTTP status</span>
          <input name="status" inputMode="numeric" defaultValue={values.status} placeholder="401" className={`${input} ${border("status")}`} {...wrong("status")} />
        </label>
        <label className="block text-sm">
          <span className="font-medium">Where it came from</span>
          <select name="probe" defaultValue={values.probe ?? ""} className={`${input} ${border("probe")}`} {...wrong("probe")}>
            <option value="">Not known</option>
            <option value="token">Token for Microsoft Graph</option>
            <option value="exchange-token">Token for Exchange Online</option>
            <option value="sharepoint-token">Token for SharePoint</option>
            {probes.map((p) => (
              <option key={p.key} value={p.key}>
                Probe: {p.title}
              </option>
            ))}
          </select>
        </label>
        <label className="block text-sm md:col-span-2">
          <span className="font-medium">Response body</span> <span className="text-slate-500">(JSON or EWS XML, as received)</span>
          <textarea name="body" rows={4} defaultValue={values.body} className={`${input} ${border("body")}`} {...wrong("body")} />
        </label>
        <label className="block text-sm md:col-span-2">
          <span className="font-medium">Response headers</span> <span className="text-slate-500">(one &ldquo;Name: value&rdquo; per line)</span>
          <textarea name="headers" rows={3} defaultValue={values.headers} placeholder="x-ms-diagnostics: 2000001;reason=..." className={`${input} ${border("headers")}`} {...wrong("headers")} />
        </label>
        <label className="block text-sm md:col-span-2">
          <span className="font-medium">Log lines or an error message</span> <span className="text-slate-500">(IIS log lines, a PowerShell error, an AADSTS text)</span>
          <textarea name="text" rows={4} defaultValue={values.text} className={`${input} ${border("text")}`} {...wrong("text")} />
        </label>
        <fieldset className="grid gap-3 text-sm md:col-span-2 md:grid-cols-4">
          <legend className="font-medium">What you know (optional)</legend>
          <label className="block">
            App&rsquo;s client ID
            <input name="clientId" defaultValue={values.clientId} className={`${input} ${border("clientId")}`} {...wrong("clientId")} />
          </label>
          <label className="block">
            Mailbox
            <input name="mailbox" defaultValue={values.mailbox} placeholder="user@contoso.com" className={`${input} ${border("mailbox")}`} {...wrong("mailbox")} />
          </label>
          <YesNo name="onPremisesSyncEnabled" label="User synced from on-premises?" value={values.onPremisesSyncEnabled} />
          <YesNo name="licensed" label="User licensed?" value={values.licensed} />
        </fieldset>
        <div className="md:col-span-2">
          <button type="submit" disabled={pending} className="rounded bg-brand-700 px-4 py-2 text-sm font-medium text-white hover:bg-brand-900 disabled:opacity-60">
            {pending ? "Explaining…" : "Explain"}
          </button>
        </div>
      </form>
      <section ref={resultRef} tabIndex={-1} aria-live="polite" aria-label="Finding" className="mt-4 outline-none">
        {state.kind === "explained" ? <FindingCard finding={state.explanation} /> : null}
      </section>
    </>
  );
}
