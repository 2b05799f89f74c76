import type { Finding } from "@/lib/diagnosis/finding";
import type { FailureFacts } from "@/lib/diagnosis/facts";

/** What a rule decides: the finding without the evidence common to all (added by `diagnose`), plus its own. */
export type RuleFinding = Omit<Finding, "evidence" | "known"> & { evidence?: (string | null)[] };

/** One cause, recognised from the facts; null when the facts are not this cause's. */
export type Rule = (f: FailureFacts) => RuleFinding | null;

export const quote = (label: string, value: string | number | boolean | null | undefined): string | null =>
  value === null || value === undefined || value === "" ? null : `${label}: ${value}`;
