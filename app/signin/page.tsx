import type { Metadata } from "next";

import { PublicCard } from "@/app/ui/problem-view";
import { safeReturnTo } from "@/lib/auth/partner-sign-in";
import { getConfig } from "@/lib/config";

/** Why the last session ended, as requirePartner reports it (`?ended=`). */
const ENDED = new Map<string, (idleMinutes: number) => string>([
  ["idle", (idleMinutes) => `You were signed out after ${idleMinutes} minutes without activity.`],
  ["expired", () => "Your session reached its 8-hour limit."],
  ["revoked", () => "An administrator signed everyone out."],
]);

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Partner sign-in" };

// GET /signin — where the dashboard sends people who are not signed in.
export default async function SignInPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const params = await searchParams;
  const returnTo = safeReturnTo(typeof params.returnTo === "string" ? params.returnTo : null);
  const config = getConfig();
  const ended = typeof params.ended === "string" ? ENDED.get(params.ended) : undefined;
  return (
    <PublicCard>
      <h1 className="text-2xl font-semibold">Sign in to the partner dashboard</h1>
      {params.signedOut ? <p className="mt-3 rounded bg-emerald-50 p-3 text-emerald-900" role="status">You are signed out.</p> : null}
      {ended ? (
        <p className="mt-3 rounded bg-amber-50 p-3 text-amber-900" role="status">
          {ended(config.sessionIdleMinutes)} Sign in again to continue.
        </p>
      ) : null}
      <p className="mt-3 text-slate-700">
        The dashboard is for staff of {config.partnerDisplayName}. Sign in with your work account; accounts from other organizations are refused.
      </p>
      {config.cloud.name === "sandbox" ? (
        <p className="mt-3 text-sm text-slate-500">Sandbox: pick a Contoso Partners user on the next page: Alice (admin), Bob (operator) or Rita (reader); Nora has no role and is refused.</p>
      ) : null}
      <form method="get" action="/auth/signin" className="mt-6">
        <input type="hidden" name="returnTo" value={returnTo} />
        <button type="submit" className="rounded-md bg-brand-600 px-5 py-2.5 font-semibold text-white hover:bg-brand-700">
          Sign in with Microsoft
        </button>
      </form>
    </PublicCard>
  );
}
