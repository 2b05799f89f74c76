"use server";

import { headers } from "next/headers";
import { redirect } from "next/navigation";

import { getDb } from "@/lib/db/database";
import { inRequestContext } from "@/lib/log/request-context";
import { startBulkRun } from "@/lib/probes/bulk";
import { MINIMUM_ROLE } from "@/lib/auth/roles";
import { requestOrigin } from "@/lib/http/request-meta";
import { requirePartnerForAction } from "@/lib/session/require-partner";

// Server action: "Test all tenants" — starts a bulk run and opens its progress page.
export async function testAllTenantsAction(): Promise<void> {
  const partner = await requirePartnerForAction(MINIMUM_ROLE.startBulkRun);
  const run = await inRequestContext(async () => startBulkRun(await getDb(), partner, requestOrigin(await headers())));
  redirect(`/dashboard/bulk/${run.id}`);
}
