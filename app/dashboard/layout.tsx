import Link from "next/link";
import type { ReactNode } from "react";

import { requirePartner } from "@/lib/session/partner-session";

export const dynamic = "force-dynamic";

export default async function DashboardLayout({ children }: { children: ReactNode }) {
  const partner = await requirePartner();
  return (
    <div className="min-h-screen">
      <header className="border-b border-slate-200 bg-white">
        <div className="mx-auto flex max-w-6xl flex-wrap items-center gap-6 px-6 py-3">
          <Link href="/dashboard" className="font-semibold text-brand-700">
            Consentry
          </Link>
          <nav aria-label="Dashboard" className="flex gap-4 text-sm">
            <Link href="/dashboard" className="hover:underline">
              Tenants
            </Link>
            <Link href="/dashboard/invites" className="hover:underline">
              Invites
            </Link>
            <Link href="/dashboard/audit" className="hover:underline">
              Audit log
            </Link>
          </nav>
          <div className="ml-auto flex items-center gap-3 text-sm">
            <span data-testid="signed-in-as">{partner.name}</span>
            <form method="post" action="/auth/signout">
              <button type="submit" className="rounded border border-slate-300 px-3 py-1 hover:bg-slate-50">
                Sign out
              </button>
            </form>
          </div>
        </div>
      </header>
      <main id="main" className="mx-auto max-w-6xl px-6 py-8">
        {children}
      </main>
    </div>
  );
}
