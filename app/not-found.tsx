import type { Metadata } from "next";

import { HomeLink, PublicCard } from "@/app/ui/problem-view";

export const metadata: Metadata = { title: "Page not found", robots: { index: false, follow: false } };

// Any unknown URL, and every notFound() without a closer not-found file.
export default function NotFound() {
  return (
    <PublicCard>
      <section aria-labelledby="problem-title" data-problem="not_found">
        <h1 id="problem-title" className="text-2xl font-semibold text-slate-900">
          This page does not exist
        </h1>
        <p className="mt-3 text-slate-700">The address may be mistyped, or the page was moved.</p>
        <p className="mt-3 font-medium text-slate-900">
          If you were sent an invite link, check that it was copied whole. Otherwise, start again from the home page.
        </p>
        <HomeLink />
      </section>
    </PublicCard>
  );
}

