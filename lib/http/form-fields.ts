import { z } from "zod";

import { GUID_PATTERN } from "@/lib/identity/tenant-id";

/** Form fields the dashboard's server actions share, validated with zod before any work. */
export const tenantIdField = z.string({ error: "Enter the tenant ID (a GUID)." }).trim().regex(GUID_PATTERN, "Enter the tenant ID (a GUID).").transform((v) => v.toLowerCase());
export const inviteIdField = z.uuid({ error: "No such invite." });
export const iterationsField = z.coerce.number({ error: "Run 1 to 200 times." }).int("Run 1 to 200 times.").min(1, "Run 1 to 200 times.").max(200, "Run 1 to 200 times.");

/** The first problem of a parse, as a sentence for the page. */
export function firstProblem(error: z.ZodError): string {
  return error.issues[0]?.message ?? "The form did not pass validation.";
}
