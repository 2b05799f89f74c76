import type { Metadata } from "next";

import { ExplainForm } from "@/app/dashboard/explain/explain-form";
import { MINIMUM_ROLE } from "@/lib/auth/roles";
import { getConfig } from "@/lib/config";
import { PROBES } from "@/lib/probes/catalog";
import { requirePartner } from "@/lib/session/require-partner";

export const metadata: Metadata = { title: "Explain an error" };

// GET /dashboard/explain — paste an error from Microsoft (a status, a body, headers, log lines) and read the finding.
export default async function ExplainPage() {
  await requirePartner(MINIMUM_ROLE.explainError);
  return (
    <>
      <h1 className="text-2xl font-semibold">Explain an error</h1>
      <p className="mt-1 max-w-3xl text-sm text-slate-600">
        Paste what you have from a customer or your own logs. Consentry reads it with the same rules its probes use and says what it means, who must act and how.
        Nothing you paste is stored. Scripts can do the same with <code className="font-mono">npm run -s explain -- --json</code>.
      </p>
      <ExplainForm clientId={getConfig().clientId} probes={PROBES.map((p) => ({ key: p.key, title: `${p.title} (${p.permission})` }))} />
    </>
  );
}
