const STYLES: Record<string, string> = {
  consented: "bg-emerald-100 text-emerald-900",
  verifying: "bg-sky-100 text-sky-900",
  failed: "bg-red-100 text-red-900",
  revoked: "bg-slate-200 text-slate-700",
  deleted: "bg-slate-200 text-slate-700",
  pending: "bg-slate-100 text-slate-700",
  opened: "bg-sky-100 text-sky-900",
  expired: "bg-amber-100 text-amber-900",
};

export function StatusBadge({ status }: { status: string }) {
  return <span className={`badge ${STYLES[status] ?? "bg-slate-100"}`}>{status}</span>;
}

export function When({ iso }: { iso: string | null }) {
  if (!iso) return <span className="text-slate-400">—</span>;
  return (
    <time dateTime={iso} title={iso}>
      {`${iso.replace("T", " ").slice(0, 16)} UTC`}
    </time>
  );
}
