import { docTitle } from "@/lib/diagnosis/docs";
import type { Finding } from "@/lib/diagnosis/finding";

const ACTOR: Record<Finding["actor"], string> = { partner: "You (the app owner)", customer_admin: "The customer's administrator", nobody: "Nobody yet" };

const monthOf = (iso: string) => new Date(`${iso.slice(0, 7)}-01T00:00:00Z`).toLocaleDateString("en-GB", { month: "long", year: "numeric", timeZone: "UTC" });

/** A finding as partners read it everywhere: what it is, the evidence, who acts and how, Microsoft's pages. */
export function FindingCard({ finding, reconsentHint = false }: { finding: Pick<Finding, "id" | "title" | "evidence" | "actor" | "fix" | "known" | "docs" | "unsupported" | "reconsent"> & { since?: string }; reconsentHint?: boolean }) {
  const unknown = finding.known === false;
  return (
    <div className={`mt-2 rounded p-3 text-sm ${unknown ? "bg-slate-100" : "bg-amber-50"}`} data-testid="finding" data-finding={finding.id}>
      <p className={`font-semibold ${unknown ? "text-slate-900" : "text-amber-900"}`}>
        {finding.title} <span className="font-mono text-xs font-normal text-slate-500">{finding.id}</span>
      </p>
      <ul className="mt-1 list-disc pl-5 font-mono text-xs text-slate-700" aria-label="Evidence">
        {finding.evidence.map((e) => (
          <li key={e} className="break-all">
            {e}
          </li>
        ))}
      </ul>
      <p className="mt-2">
        <span className="font-medium">{ACTOR[finding.actor]}:</span> {finding.fix}
      </p>
      {finding.unsupported ? <p className="mt-1 font-medium text-red-800">Microsoft does not support this change.</p> : null}
      {finding.reconsent && reconsentHint ? <p className="mt-1">Use &ldquo;Copy re-consent link&rdquo; above.</p> : null}
      {finding.since ? <p className="mt-1 text-xs text-slate-600">Microsoft changed this in {monthOf(finding.since)}.</p> : null}
      {finding.docs?.length ? (
        <p className="mt-1 text-xs">
          Microsoft:{" "}
          {finding.docs.map((url, i) => (
            <span key={url}>
              {i ? " · " : ""}
              <a href={url} className="text-brand-700 underline" rel="noreferrer noopener" target="_blank">
                {docTitle(url)}
              </a>
            </span>
          ))}
        </p>
      ) : null}
    </div>
  );
}
