import Link from "next/link";

import { listHref } from "@/lib/http/search-params";

/**
 * Below a keyset-paged list (tenants, invites): how many rows show, and links to the first page
 * (on a later one) and to the next (when there is one), keeping the list's filters. Nothing under
 * an empty first page, whose own message says why it is empty.
 */
export function Pager({ base, query, shown, noun, filtered, nextCursor }: { base: string; query: Record<string, unknown> & { cursor?: string }; shown: number; noun: string; filtered: boolean; nextCursor: string | null }) {
  // An empty first page says so itself.
  if (shown === 0 && !query.cursor) return null;
  return (
    <nav aria-label="Pages" className="mt-3 flex items-center justify-between text-sm">
      <span className="text-slate-600">
        Showing {shown} {filtered ? "matching " : ""}
        {noun}
        {shown === 1 ? "" : "s"}
        {query.cursor ? " (a later page)" : ""}
      </span>
      <span className="flex gap-3">
        {query.cursor ? (
          <Link href={listHref(base, { ...query, cursor: undefined })} className="text-brand-700 hover:underline">
            First page
          </Link>
        ) : null}
        {nextCursor ? (
          <Link href={listHref(base, { ...query, cursor: nextCursor })} className="text-brand-700 hover:underline" rel="next">
            Next page
          </Link>
        ) : null}
      </span>
    </nav>
  );
}
