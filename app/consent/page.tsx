import type { Metadata } from "next";

import { PublicCard, ProblemView } from "@/app/ui/problem-view";
import { ConsentView } from "@/app/consent/consent-view";
import { getConfig } from "@/lib/config";
import { getConsentPageView } from "@/lib/consent/views";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Connect your Microsoft 365" };

// GET /consent — open onboarding ("Connect your Microsoft 365"), when OPEN_ONBOARDING is on.
export default async function OpenConsentPage() {
  const view = await getConsentPageView(null);
  return <PublicCard>{view.kind === "ok" ? <ConsentView view={view} pageUrl={`${getConfig().publicBaseUrl}/consent`} /> : <ProblemView problem={view.problem} />}</PublicCard>;
}
