import { PublicCard, ProblemView } from "@/app/ui/problem-view";
import { problem } from "@/lib/consent/problems";

// The 404 of /consent/result/<id>: shown to any browser that did not sign in for that consent.
export default function ConsentResultNotFound() {
  return (
    <PublicCard>
      <ProblemView problem={problem("result_not_here")} />
    </PublicCard>
  );
}
