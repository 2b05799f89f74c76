import Link from "next/link";
import type { ReactNode } from "react";

import { NavLinks, type NavItem } from "@/app/dashboard/nav-links";
import { APP_ROLE_VALUES, can, MINIMUM_ROLE, ROLE_LABELS } from "@/lib/auth/roles";
import { requirePartner } from "@/lib/session/require-partner";

export const dynamic = "force-dynamic";

export default async function DashboardLayout({ children }: { children: ReactNode }) {
  const partner = await requirePartner(MINIMUM_ROLE.viewDashboard);
  const items: NavItem[] = [
    { href: "/dashboard", label: "Tenants", sections: ["/dashboard/tenants", "/dashboard/bulk"] },
    { href: "/dashboard/invites", label: "Invites" },
    { href: "/dashboard/campaigns", label: "Re-consent", sections: ["/dashboard/campaigns"] },
    { href: "/dashboard/audit", label: "Audit log" },
    { href: "/dashboard/explain", label: "Explain an error" },
    ...(can(partner.role, "viewSettings") ? [{ href: "/dashboard/settings", label: "Settings", sections: ["/dashboard/settings"] }] : []),
  ];
  return (
    <div className="min-h-screen">
      <header className="border-b border-slate-200 bg-white">
        <div className="mx-auto flex max-w-6xl flex-wrap items-center gap-6 px-6 py-3">
          <Link href="/dashboard" className="font-semibold text-brand-700">
            Consentry
          </Link>
          <NavLinks items={items} />
          <div className="ml-auto flex items-center gap-3 text-sm">
            <span data-testid="signed-in-as">{partner.name}</span>
            <span data-testid="signed-in-role" title={`App role ${APP_ROLE_VALUES[partner.role]}`} className="rounded bg-slate-100 px-2 py-0.5 text-xs font-medium text-slate-700">
              {ROLE_LABELS[partner.role]}
            </span>
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
