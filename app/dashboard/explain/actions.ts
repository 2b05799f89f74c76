"use server";

import { MINIMUM_ROLE } from "@/lib/auth/roles";
import { explainFromForm, type ExplainFormState } from "@/lib/diagnosis/explain-form";
import { requirePartnerForAction } from "@/lib/session/require-partner";

// Server action: "Explain" — the finding for what a partner pasted; nothing is stored or logged.
export async function explainAction(_previous: ExplainFormState, formData: FormData): Promise<ExplainFormState> {
  await requirePartnerForAction(MINIMUM_ROLE.explainError);
  return explainFromForm(formData);
}
