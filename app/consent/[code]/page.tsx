import type { Metadata } from "next";

import { PublicCard, ProblemView } from "@/app/ui/problem-view";
import { ConsentView } from "@/app/consent/consent-view";
import { getConfig } from "@/lib/config";
import { getConsentPageView } from "@/lib/consent/views";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Grant consent", robots: { index: false, follow: false } };

// GET /consent/<code> — the invite's public consent page.
export default async function ConsentPage({ params }: { params: Promise<{ code: string }> }) {
  const { code } = await params;
  const view = await getConsentPageView(code);
  return <PublicCard>{view.kind === "ok" ? <ConsentView view={view} pageUrl={`${getConfig().publicBaseUrl}/consent/${code}`} /> : <ProblemView problem={view.problem} />}</PublicCard>;
}
