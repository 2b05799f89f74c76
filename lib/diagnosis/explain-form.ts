import { z } from "zod";

import { explainError, explainInputProblem, type Explanation, type ExplainInput } from "@/lib/diagnosis/explain";

/** The explain page's fields, as typed (kept on an error so nothing pasted is lost). */
export interface ExplainFormValues {
  status: string;
  probe: string;
  headers: string;
  body: string;
  text: string;
  clientId: string;
  mailbox: string;
  onPremisesSyncEnabled: string;
  licensed: string;
}

export type ExplainFormState =
  | { kind: "empty" }
  | { kind: "explained"; values: ExplainFormValues; explanation: Explanation }
  | { kind: "invalid"; values: ExplainFormValues; field: keyof ExplainFormValues | null; message: string };

const FIELDS: (keyof ExplainFormValues)[] = ["status", "probe", "headers", "body", "text", "clientId", "mailbox", "onPremisesSyncEnabled", "licensed"];
const tristate = z.enum(["", "yes", "no"]).transform((v) => (v === "" ? undefined : v === "yes"));

/** `Name: value` lines (an HTTP answer's headers as copied from a tool); the status line is skipped. */
function headerLines(text: string): Record<string, string> | string {
  const headers: Record<string, string> = {};
  for (const [i, raw] of text.split(/\r?\n/).entries()) {
    const line = raw.trim();
    if (!line || /^HTTP\/\d/i.test(line)) continue;
    const match = /^([A-Za-z0-9-]{1,100})\s*:\s*(.*)$/.exec(line);
    if (!match) return `line ${i + 1} is not "Name: value"`;
    headers[match[1]!.toLowerCase()] = match[2]!;
  }
  return headers;
}

/**
 * Reads the explain page's form into the same input `npm run explain` takes and explains it with
 * the same function the probe runner uses. A field that cannot be read is named, values kept.
 */
export function explainFromForm(formData: FormData): ExplainFormState {
  const values = Object.fromEntries(FIELDS.map((f) => [f, String(formData.get(f) ?? "").slice(0, 70_000)])) as unknown as ExplainFormValues;
  if (FIELDS.every((f) => f === "clientId" || values[f].trim() === "")) return { kind: "invalid", values, field: null, message: "Paste something to explain: a status, headers, a response body, or log lines." };
  const invalid = (field: keyof ExplainFormValues | null, message: string): ExplainFormState => ({ kind: "invalid", values, field, message });
  const status = values.status.trim();
  if (status && !/^\d{3}$/.test(status)) return invalid("status", "The HTTP status is three digits, such as 401.");
  const headers = headerLines(values.headers);
  if (typeof headers === "string") return invalid("headers", `Headers: ${headers}.`);
  const onPrem = tristate.safeParse(values.onPremisesSyncEnabled);
  const licensed = tristate.safeParse(values.licensed);
  const input: ExplainInput = {
    status: status ? Number(status) : null,
    headers,
    body: values.body.trim() || null,
    text: values.text.trim() || null,
    probe: values.probe || null,
    context: {
      clientId: values.clientId.trim() || null,
      mailbox: values.mailbox.trim() || null,
      ...(onPrem.success && onPrem.data !== undefined ? { onPremisesSyncEnabled: onPrem.data } : {}),
      ...(licensed.success && licensed.data !== undefined ? { licensed: licensed.data } : {}),
    },
  };
  try {
    return { kind: "explained", values, explanation: explainError(input) };
  } catch (error) {
    if (!(error instanceof z.ZodError)) throw error;
    const path = error.issues[0]?.path ?? [];
    const field = (path[0] === "context" ? path[1] : path[0]) as keyof ExplainFormValues | undefined;
    return invalid(field && FIELDS.includes(field) ? field : null, explainInputProblem(error));
  }
}
