"use server";

import { cookies, headers } from "next/headers";
import { redirect } from "next/navigation";
import { z } from "zod";

import { SIGN_EVERYONE_OUT_CONFIRMATION, signEveryoneOut } from "@/lib/auth/admin-settings";
import { MINIMUM_ROLE } from "@/lib/auth/roles";
import { getDb } from "@/lib/db/database";
import { inRequestContext } from "@/lib/log/request-context";
import { refreshPermissionSet } from "@/lib/permissions/registration";
import { requestOrigin } from "@/lib/http/request-meta";
import { requirePartnerForAction } from "@/lib/session/require-partner";

// Only the confirmation step's form carries this; a POST without it goes back to that step.
const confirmationSchema = z.object({ confirm: z.literal(SIGN_EVERYONE_OUT_CONFIRMATION) });

// Server action: "Sign everyone out" — every other partner session ends on its next request.
export async function signEveryoneOutAction(formData: FormData): Promise<void> {
  const admin = await requirePartnerForAction(MINIMUM_ROLE.signEveryoneOut);
  if (!confirmationSchema.safeParse({ confirm: formData.get("confirm") }).success) redirect(`/dashboard/settings?confirm=${SIGN_EVERYONE_OUT_CONFIRMATION}`);
  const { version, cookie } = await signEveryoneOut(await getDb(), admin, requestOrigin(await headers()));
  (await cookies()).set(cookie.name, cookie.value, cookie.options);
  redirect(`/dashboard/settings?signedEveryoneOut=${version}`);
}

// Server action: "Refresh from the app registration" — reads the registration's permissions now (audited).
export async function refreshRegistrationAction(): Promise<void> {
  const admin = await requirePartnerForAction(MINIMUM_ROLE.viewSettings);
  const outcome = await inRequestContext(async () => refreshPermissionSet(await getDb(), { actor: admin.username, meta: requestOrigin(await headers()) }));
  redirect(`/dashboard/settings?refreshed=${outcome.set.version}${outcome.created ? "&created=1" : ""}${outcome.read.ok ? "" : "&readFailed=1"}#app-registration`);
}
