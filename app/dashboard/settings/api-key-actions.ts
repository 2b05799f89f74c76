"use server";

import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { z } from "zod";

import { apiKeyInputSchema, createApiKey, revokeApiKey } from "@/lib/auth/api-keys";
import { MINIMUM_ROLE } from "@/lib/auth/roles";
import { getDb } from "@/lib/db/database";
import { requestOrigin } from "@/lib/http/request-meta";
import { requirePartnerForAction } from "@/lib/session/require-partner";

export type CreateApiKeyState =
  | { kind: "empty" }
  | { kind: "created"; key: string; name: string; role: string }
  | { kind: "invalid"; values: { name: string; role: string }; errors: Partial<Record<"name" | "role", string>> };

// Server action: "Create API key" — the key is in the answer once and never again.
export async function createApiKeyAction(_previous: CreateApiKeyState, formData: FormData): Promise<CreateApiKeyState> {
  const admin = await requirePartnerForAction(MINIMUM_ROLE.manageApiKeys);
  const values = { name: String(formData.get("name") ?? ""), role: String(formData.get("role") ?? "") };
  const parsed = apiKeyInputSchema.safeParse(values);
  if (!parsed.success) {
    const errors: Partial<Record<"name" | "role", string>> = {};
    for (const issue of parsed.error.issues) {
      const field = issue.path[0] as "name" | "role";
      errors[field] ??= `${field === "name" ? "The name" : "The role"} ${issue.message}.`;
    }
    return { kind: "invalid", values, errors };
  }
  const { apiKey, key } = await createApiKey(await getDb(), parsed.data, admin.username, requestOrigin(await headers()));
  return { kind: "created", key, name: apiKey.name, role: apiKey.role };
}

const revokeSchema = z.object({ id: z.uuid(), confirm: z.literal("yes") });

// Server action: "Revoke" (after its confirmation step) — the key stops working at once.
export async function revokeApiKeyAction(formData: FormData): Promise<void> {
  const admin = await requirePartnerForAction(MINIMUM_ROLE.manageApiKeys);
  const parsed = revokeSchema.safeParse({ id: formData.get("id"), confirm: formData.get("confirm") });
  if (!parsed.success) redirect("/dashboard/settings#api-keys");
  await revokeApiKey(await getDb(), parsed.data.id, admin.username, requestOrigin(await headers())).catch(() => undefined);
  redirect("/dashboard/settings?revokedKey=1#api-keys");
}
