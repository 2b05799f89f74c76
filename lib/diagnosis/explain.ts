import { z } from "zod";

import { diagnose } from "@/lib/diagnosis/diagnose";
import { failureFacts, type FailureFacts } from "@/lib/diagnosis/facts";
import type { Finding } from "@/lib/diagnosis/finding";
import { readServiceError } from "@/lib/graph/service-error";
import { GUID_PATTERN } from "@/lib/identity/tenant-id";
import { ALL_PROBE_KEYS, PROBES } from "@/lib/probes/catalog";

const MAX_TEXT = 64 * 1024;


const contextSchema = z
  .object({
    clientId: z.string().regex(GUID_PATTERN, "must be the app's client ID (a GUID)").nullish(),
    signInAudience: z.string().max(40).nullish(),
    mailbox: z.string().max(320).nullish(),
    initialDomain: z.string().max(253).nullish(),
    exchangeAddressedBy: z.enum(["initial", "other"]).nullish(),
    onPremisesSyncEnabled: z.boolean().nullish(),
    licensed: z.boolean().nullish(),
    recipientTypeDetails: z.string().max(60).nullish(),
    isInactiveMailbox: z.boolean().nullish(),
    softDeleted: z.boolean().nullish(),
    ewsEnabled: z.boolean().nullish(),
    ewsAllowedAppIds: z.array(z.string().max(60)).max(500).nullish(),
    rbacAssignments: z
      .array(z.object({ roleName: z.string().max(200), grantedPermissions: z.string().max(500), scope: z.string().max(200).nullable(), inScope: z.boolean() }))
      .max(100)
      .nullish(),
    /** Roles in the token the failed call was made with. */
    tokenRoles: z.array(z.string().max(200)).max(500).nullish(),
  })
  .strict();

/**
 * What a partner pastes: any of an HTTP status, headers, a response body (JSON text, an object,
 * or EWS's SOAP XML), free text (IIS log lines, a PowerShell error), the probe it came from and
 * what they know about the tenant. All optional; unknown fields are refused so a typo is not
 * silently ignored.
 */
export const explainInputSchema = z
  .object({
    // A number, or its digits as text (what a form or a copied log gives).
    status: z
      .union([z.number(), z.string().regex(/^\s*\d{3}\s*$/, "must be an HTTP status, a number from 100 to 599").transform(Number)], { error: "must be an HTTP status, a number from 100 to 599" })
      .pipe(z.number({ error: "must be an HTTP status, a number from 100 to 599" }).int("must be an HTTP status, a number from 100 to 599").min(100, "must be an HTTP status, a number from 100 to 599").max(599, "must be an HTTP status, a number from 100 to 599"))
      .nullish(),
    headers: z.record(z.string().max(200), z.string().max(MAX_TEXT)).optional(),
    body: z.union([z.string().max(MAX_TEXT), z.record(z.string(), z.unknown())]).nullish(),
    text: z.string().max(MAX_TEXT).nullish(),
    probe: z
      .string()
      .refine((p) => ALL_PROBE_KEYS.includes(p), { message: `must name a probe: token, exchange-token, sharepoint-token or a catalog key such as mail, exchange, ews` })
      .nullish(),
    context: contextSchema.optional(),
  })
  .strict();
export type ExplainInput = z.input<typeof explainInputSchema>;

/** What `explain` prints and the page shows. */
export interface Explanation {
  id: Finding["id"];
  title: string;
  actor: Finding["actor"];
  fix: string;
  evidence: string[];
  known: boolean;
  docs?: string[];
}

/** The error an unreadable input gets: one line naming the field and the problem. */
export function explainInputProblem(error: z.ZodError): string {
  const issue = error.issues[0]!;
  const path = issue.path.length ? issue.path.join(".") : "input";
  if (issue.code === "unrecognized_keys") return `${path === "input" ? "" : `${path}: `}unknown field${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((k) => `"${k}"`).join(", ")}`;
  return `${path}: ${issue.message}`;
}

/** Reads a body: a token endpoint's OAuth error, Graph's or Exchange's JSON error, SharePoint's odata.error, EWS's SOAP. */
function readBody(body: unknown): { code: string | null; message: string | null; aadsts: number | null; extraText: string | null } {
  if (body === null || body === undefined || body === "") return { code: null, message: null, aadsts: null, extraText: null };
  let value: unknown = body;
  if (typeof body === "string") {
    const trimmed = body.trim();
    if (trimmed.startsWith("{")) {
      try {
        value = JSON.parse(trimmed);
      } catch {
        return { code: null, message: null, aadsts: null, extraText: body };
      }
    } else if (trimmed.startsWith("<")) {
      const code = /<(?:\w+:)?ResponseCode(?:\s[^>]*)?>([^<]+)</.exec(trimmed)?.[1] ?? null;
      const message = /<(?:\w+:)?MessageText(?:\s[^>]*)?>([^<]*)</.exec(trimmed)?.[1] ?? /<faultstring[^>]*>([^<]*)</.exec(trimmed)?.[1] ?? null;
      return { code, message, aadsts: null, extraText: code || message ? null : body };
    } else {
      return { code: null, message: null, aadsts: null, extraText: body };
    }
  }
  const read = readServiceError(value);
  const codes = (value as { error_codes?: unknown }).error_codes;
  const aadsts = Array.isArray(codes) && typeof codes[0] === "number" ? codes[0] : null;
  return { ...read, aadsts, extraText: read.code || read.message ? null : shownBody(value) };
}

/** An unrecognised JSON body, as text to match and quote; one too deep to write out is said so, not a crash. */
function shownBody(value: unknown): string {
  try {
    return JSON.stringify(value).slice(0, MAX_TEXT);
  } catch {
    return "(a JSON body too deeply nested to show)";
  }
}

/** Header lines quoted in free text (`x-ms-diagnostics: …`, `X-EWS-Policy-Reason: …`). */
function headersInText(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const match of text.matchAll(/^\s*(x-ms-diagnostics|www-authenticate|x-ews-policy-reason|retry-after|request-id)\s*:\s*(.+)$/gim)) out[match[1]!.toLowerCase()] = match[2]!.trim();
  return out;
}

/** The facts an explain input amounts to (exported for tests). */
export function factsFromExplainInput(input: z.output<typeof explainInputSchema>): FailureFacts {
  const body = readBody(input.body);
  const text = [input.text, body.extraText].filter(Boolean).join("\n") || null;
  const probe = input.probe ?? null;
  const catalog = probe ? PROBES.find((p) => p.key === probe) : undefined;
  const { tokenRoles, ...context } = input.context ?? {};
  const headers = { ...(text ? headersInText(text) : {}), ...Object.fromEntries(Object.entries(input.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v])) };
  return failureFacts({
    probe,
    permission: catalog?.permission ?? null,
    status: input.status ?? null,
    code: body.code,
    aadsts: body.aadsts,
    message: body.message,
    headers,
    tokenRoles: tokenRoles ?? null,
    text,
    context: Object.fromEntries(Object.entries(context).filter(([, v]) => v !== undefined)),
  });
}

/** The finding for what a partner pasted, in the shape `explain` prints. Throws a ZodError on unreadable input. */
export function explainError(raw: unknown): Explanation {
  const input = explainInputSchema.parse(raw);
  const finding = diagnose(factsFromExplainInput(input));
  return {
    id: finding.id,
    title: finding.title,
    actor: finding.actor,
    fix: finding.fix,
    evidence: finding.evidence,
    known: finding.known !== false,
    ...(finding.docs?.length ? { docs: finding.docs } : {}),
  };
}
