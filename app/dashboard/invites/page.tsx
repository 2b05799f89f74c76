import type { Metadata } from "next";
import Link from "next/link";

import { revokeInviteAction } from "@/app/dashboard/invites/actions";
import { InviteForm, RenewButton } from "@/app/dashboard/invites/invite-form";
import { StatusBadge, When } from "@/app/ui/status-badge";
import { Pager } from "@/app/ui/pager";
import { TableHead } from "@/app/ui/table-head";
import { ConfirmBox } from "@/app/ui/confirm-box";
import { can, MINIMUM_ROLE } from "@/lib/auth/roles";
import { getDb } from "@/lib/db/database";
import { getInvite, INVITE_STATES } from "@/lib/db/repositories/invites";
import { isGuid } from "@/lib/identity/tenant-id";
import { listHref } from "@/lib/http/search-params";
import { listInvitesPage, readInviteListQueryLeniently } from "@/lib/invites/invite-list";
import { requirePartner } from "@/lib/session/require-partner";

export const metadata: Metadata = { title: "Invites" };

const field = "mt-1 block w-full rounded border border-slate-300 px-2 py-1";
/** Parameters of this page that are notices or dialogs, not filters of the list. */
const NOT_FILTERS = new Set(["revoke", "revoked"]);

// GET /dashboard/invites — create, copy, renew and revoke invite links; search and page through them (server-side).
export default async function InvitesPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const partner = await requirePartner(MINIMUM_ROLE.viewDashboard);
  const params = await searchParams;
  const db = await getDb();
  const filters = new URLSearchParams(Object.entries(params).flatMap(([k, v]) => (NOT_FILTERS.has(k) ? [] : Array.isArray(v) ? v.map((x) => [k, x]) : v === undefined ? [] : [[k, v]])));
  const { query, ignored } = readInviteListQueryLeniently(filters);
  const { items: invites, nextCursor } = await listInvitesPage(db, query);
  const filtered = Boolean(query.q || query.state);
  // The invite to revoke is looked up by its ID, wherever it is in the list.
  const candidate = typeof params.revoke === "string" && isGuid(params.revoke) && can(partner.role, "manageInvites") ? await getInvite(db, params.revoke) : null;
  const revoking = candidate && candidate.state !== "revoked" && candidate.state !== "expired" ? candidate : undefined;
  // The revoke dialog and its answer come back to this list: the same search, state and page.
  const here = listHref("/dashboard/invites", { ...query });
  const back = here.includes("?") ? here.slice(here.indexOf("?") + 1) : "";
  return (
    <>
      <h1 className="text-2xl font-semibold">Invites</h1>
      {can(partner.role, "manageInvites") ? (
        <div className="mt-4">
          <InviteForm />
        </div>
      ) : (
        <p className="mt-2 text-sm text-slate-600">Creating, renewing and revoking invites needs the Operator role; your role can see them.</p>
      )}
      {params.revoked ? (
        <p role="status" className="mt-4 rounded bg-emerald-50 p-3 text-sm text-emerald-900">
          The invite is revoked: its link now answers &ldquo;This invite was revoked&rdquo;.
        </p>
      ) : null}
      {revoking ? (
        <ConfirmBox id="revoke-invite-title" title={<>Revoke the invite for {revoking.customerName}?</>} action={revokeInviteAction} fields={{ inviteId: revoking.id, back }} confirmLabel="Yes, revoke it" cancelHref={here}>
          <p className="mt-1">Its link stops working at once; an admin who opens it is told it was revoked. To invite them again, create a new invite.</p>
        </ConfirmBox>
      ) : null}
      {/* Keyed by the query: after a client-side navigation (Clear, a page link) the fields show the new query. */}
      <form key={here} method="get" action="/dashboard/invites" role="search" aria-label="Search invites" className="mt-8 grid grid-cols-2 gap-3 rounded-md border border-slate-200 bg-white p-3 text-sm md:grid-cols-4">
        <label className="col-span-2">
          Search
          <input name="q" type="search" defaultValue={query.q ?? ""} placeholder="Customer, or start of tenant ID or domain" className={field} />
        </label>
        <label>
          State
          <select name="state" defaultValue={query.state ?? ""} className={field}>
            <option value="">Any</option>
            {INVITE_STATES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <div className="flex items-end gap-2">
          <button type="submit" className="rounded-md bg-brand-700 px-4 py-1.5 font-semibold text-white hover:bg-brand-900">
            Search
          </button>
          {filtered ? (
            <Link href="/dashboard/invites" className="px-2 py-1.5 text-brand-700 hover:underline">
              Clear
            </Link>
          ) : null}
        </div>
      </form>
      {ignored.length ? (
        <p role="status" className="mt-2 text-sm text-amber-900">
          Ignored in this link: {ignored.join("; ")}.
        </p>
      ) : null}
      {invites.length === 0 ? (
        <p className="mt-4 rounded-md border border-dashed border-slate-300 p-8 text-center text-slate-600">
          {filtered ? "No invite matches these filters." : query.cursor ? "No more invites." : "No invite yet. Create one above and send its link to the customer's administrator."}
        </p>
      ) : (
      <div className="mt-4 overflow-x-auto">
      <table className="w-full text-sm" data-testid="invites">
        <TableHead columns={["Customer", "State", "Tenant", "Created", "Expires", "Actions"]} />
        <tbody>
          {invites.map((i) => (
            <tr key={i.id} className="border-b border-slate-100 align-top" data-invite={i.id}>
              <td className="py-2 pr-4">
                {i.customerName}
                {i.lastError ? <div className="text-xs text-red-800">{i.lastError}</div> : null}
              </td>
              <td className="py-2 pr-4">
                <StatusBadge status={i.state} />
              </td>
              <td className="py-2 pr-4 font-mono text-xs">
                {i.tenantId ? <Link href={`/dashboard/tenants/${i.tenantId}`}>{i.tenantId}</Link> : (i.tenantHint ?? "any")}
              </td>
              <td className="py-2 pr-4">
                <When iso={i.createdAt} />
                <div className="text-xs text-slate-500">{i.createdBy}</div>
              </td>
              <td className="py-2 pr-4">
                <When iso={i.expiresAt} />
              </td>
              <td className="space-x-3 py-2 pr-4">
                {i.state !== "revoked" && i.state !== "expired" && can(partner.role, "manageInvites") ? (
                  <>
                    <RenewButton inviteId={i.id} />
                    <Link href={listHref("/dashboard/invites", { ...query }, { revoke: i.id })} className="text-red-700 hover:underline">
                      Revoke…
                    </Link>
                  </>
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      </div>
      )}
      <Pager base="/dashboard/invites" query={query} shown={invites.length} noun="invite" filtered={filtered} nextCursor={nextCursor} />
    </>
  );
}
