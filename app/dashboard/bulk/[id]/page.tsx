import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";

import { BulkProgress } from "@/app/dashboard/bulk/[id]/bulk-progress";
import { getDb } from "@/lib/db/database";
import { bulkProgressView } from "@/lib/probes/bulk";
import { MINIMUM_ROLE } from "@/lib/auth/roles";
import { requirePartner } from "@/lib/session/require-partner";
import { isGuid } from "@/lib/identity/tenant-id";

export const metadata: Metadata = { title: "Test all tenants" };

// GET /dashboard/bulk/<id> — live progress of a bulk re-test.
export default async function BulkPage({ params }: { params: Promise<{ id: string }> }) {
  await requirePartner(MINIMUM_ROLE.viewBulkProgress);
  const id = (await params).id;
  const view = isGuid(id) ? await bulkProgressView(await getDb(), id) : null;
  if (!view) notFound();
  return (
    <>
      <BulkProgress initial={view} />
      <Link href="/dashboard" className="mt-6 inline-block text-brand-700 hover:underline">
        Back to tenants
      </Link>
    </>
  );
}
