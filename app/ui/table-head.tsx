/** The header row every dashboard table shares: one muted, left-aligned cell per column. */
export function TableHead({ columns, dense = false }: { columns: string[]; dense?: boolean }) {
  const cell = dense ? "py-1 pr-3 font-medium" : "py-2 pr-4 font-medium";
  return (
    <thead>
      <tr className="border-b border-slate-200 text-left text-slate-500">
        {columns.map((column) => (
          <th key={column} className={cell}>
            {column}
          </th>
        ))}
      </tr>
    </thead>
  );
}
