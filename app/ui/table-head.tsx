/** A column: its label, and classes for when it shows (e.g. `hidden md:table-cell` on narrow screens). */
export type Column = string | { label: string; className?: string };

/** The header row every dashboard table shares: one muted, left-aligned cell per column. */
export function TableHead({ columns, dense = false }: { columns: Column[]; dense?: boolean }) {
  const cell = dense ? "py-1 pr-3 font-medium" : "py-2 pr-4 font-medium";
  return (
    <thead>
      <tr className="border-b border-slate-200 text-left text-slate-500">
        {columns.map((column) => {
          const { label, className } = typeof column === "string" ? { label: column, className: "" } : column;
          return (
            <th key={label} scope="col" className={`${cell} ${className ?? ""}`}>
              {label}
            </th>
          );
        })}
      </tr>
    </thead>
  );
}
