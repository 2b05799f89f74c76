"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";

export interface NavItem {
  href: string;
  label: string;
  /** Paths below these belong to the item too (a tenant's page is under Tenants). */
  sections?: string[];
}

/**
 * A client component because the dashboard layout is not rendered again when the
 * person moves between its pages, so only the browser knows the page it shows now.
 */
export function NavLinks({ items }: { items: NavItem[] }) {
  const pathname = usePathname();
  return (
    <nav aria-label="Dashboard" className="flex flex-wrap gap-x-4 gap-y-1 text-sm">
      {items.map((item) => {
        const exact = pathname === item.href;
        const within = !exact && (item.sections ?? []).some((section) => pathname.startsWith(`${section}/`));
        return (
          <Link
            key={item.href}
            href={item.href}
            // "page" for the page itself; "true" for a page inside its section, as WAI-ARIA suggests for a current item in a set.
            aria-current={exact ? "page" : within ? "true" : undefined}
            className={exact || within ? "font-semibold text-brand-700 underline underline-offset-4" : "hover:underline"}
          >
            {item.label}
          </Link>
        );
      })}
    </nav>
  );
}
