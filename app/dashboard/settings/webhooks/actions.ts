"use server";

import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { z } from "zod";

import { MINIMUM_ROLE } from "@/lib/auth/roles";
import { getDb } from "@/lib/db/database";
import { requestOrigin } from "@/lib/http/request-meta";
import { requirePartnerForAction } from "@/lib/session/require-partner";
import { changeWebhookEndpoint, createWebhookEndpoint, pingWebhookEndpoint, redeliverWebhook, removeWebhookEndpoint, webhookFormSchema } from "@/lib/webhooks/manage";

type Field = "url" | "description" | "events" | "format";
export type CreateWebhookState =
  | { kind: "empty" }
  | { kind: "created"; url: string; secret: string }
  | { kind: "invalid"; values: { url: string; description: string; events: string[]; format: string }; errors: Partial<Record<Field, string>> };

const LABELS: Record<Field, string> = { url: "The URL", description: "The description", events: "The events", format: "The format" };
const PAGE = "/dashboard/settings/webhooks";

// Server action: "Add endpoint" — its signing secret is in the answer once and never again.
export async function createWebhookAction(_previous: CreateWebhookState, formData: FormData): Promise<CreateWebhookState> {
  const admin = await requirePartnerForAction(MINIMUM_ROLE.manageWebhooks);
  const values = { url: String(formData.get("url") ?? ""), description: String(formData.get("description") ?? ""), events: formData.getAll("events").map(String), format: String(formData.get("format") ?? "") };
  const parsed = webhookFormSchema.safeParse(values);
  if (!parsed.success) {
    const errors: Partial<Record<Field, string>> = {};
    for (const issue of parsed.error.issues) {
      const field = issue.path[0] as Field;
      errors[field] ??= `${LABELS[field]} ${issue.message}.`;
    }
    return { kind: "invalid", values, errors };
  }
  const { endpoint, secret } = await createWebhookEndpoint(await getDb(), admin, parsed.data, requestOrigin(await headers()));
  return { kind: "created", url: endpoint.url, secret };
}

const idSchema = z.object({ id: z.uuid() });

// Server action: "Delete" (after its confirmation step) — the endpoint and its deliveries go.
export async function deleteWebhookAction(formData: FormData): Promise<void> {
  const admin = await requirePartnerForAction(MINIMUM_ROLE.manageWebhooks);
  const parsed = idSchema.extend({ confirm: z.literal("yes") }).safeParse({ id: formData.get("id"), confirm: formData.get("confirm") });
  if (!parsed.success) redirect(PAGE);
  await removeWebhookEndpoint(await getDb(), admin, parsed.data.id, requestOrigin(await headers())).catch(() => undefined);
  redirect(`${PAGE}?deleted=1`);
}

// Server action: "Enable" / "Disable".
export async function setWebhookEnabledAction(formData: FormData): Promise<void> {
  const admin = await requirePartnerForAction(MINIMUM_ROLE.manageWebhooks);
  const parsed = idSchema.extend({ enabled: z.enum(["true", "false"]) }).safeParse({ id: formData.get("id"), enabled: formData.get("enabled") });
  if (!parsed.success) redirect(PAGE);
  await changeWebhookEndpoint(await getDb(), admin, parsed.data.id, { enabled: parsed.data.enabled === "true" }, requestOrigin(await headers())).catch(() => undefined);
  redirect(PAGE);
}

// Server action: "Send test ping" — queued; the worker sends it within seconds.
export async function pingWebhookAction(formData: FormData): Promise<void> {
  const admin = await requirePartnerForAction(MINIMUM_ROLE.manageWebhooks);
  const parsed = idSchema.safeParse({ id: formData.get("id") });
  if (!parsed.success) redirect(PAGE);
  await pingWebhookEndpoint(await getDb(), admin, parsed.data.id, requestOrigin(await headers())).catch(() => undefined);
  redirect(`${PAGE}?pinged=1`);
}

// Server action: "Redeliver" — the delivery is sent again now, with the same webhook-id.
export async function redeliverWebhookAction(formData: FormData): Promise<void> {
  const admin = await requirePartnerForAction(MINIMUM_ROLE.manageWebhooks);
  const parsed = idSchema.safeParse({ id: formData.get("id") });
  if (!parsed.success) redirect(PAGE);
  await redeliverWebhook(await getDb(), admin, parsed.data.id, requestOrigin(await headers())).catch(() => undefined);
  redirect(`${PAGE}?redelivered=1`);
}
