import Link from "next/link";
import type { ReactNode } from "react";

/**
 * The confirmation step before something that cannot be undone: what happens, a red button that
 * posts `action` with `fields` and `confirm` (the action refuses without it), and Cancel.
 */
export function ConfirmBox({
  id,
  title,
  children,
  action,
  fields = {},
  confirmLabel,
  cancelHref,
  headingLevel = 2,
  confirmValue = "yes",
}: {
  id: string;
  title: ReactNode;
  children: ReactNode;
  action: (formData: FormData) => Promise<void>;
  fields?: Record<string, string>;
  confirmLabel: string;
  cancelHref: string;
  headingLevel?: 2 | 3;
  /** What the action checks `confirm` against. */
  confirmValue?: string;
}) {
  const Heading = headingLevel === 2 ? "h2" : "h3";
  return (
    <div className="mt-4 rounded-md border border-red-300 bg-red-50 p-4 text-sm" role="group" aria-labelledby={id}>
      <Heading id={id} className="font-semibold text-red-900">
        {title}
      </Heading>
      {children}
      <form action={action} className="mt-3 flex items-center gap-3">
        {Object.entries(fields).map(([name, value]) => (
          <input key={name} type="hidden" name={name} value={value} />
        ))}
        <input type="hidden" name="confirm" value={confirmValue} />
        <button type="submit" className="rounded-md bg-red-700 px-4 py-2 font-semibold text-white hover:bg-red-800">
          {confirmLabel}
        </button>
        <Link href={cancelHref} className="text-brand-700 hover:underline">
          Cancel
        </Link>
      </form>
    </div>
  );
}
