import type { NextRequest } from "next/server";

import { handleStart, redirectToConsentPage } from "@/app/consent/start-route";

export const dynamic = "force-dynamic";

// POST /consent/<code>/start — the consent page's button: seals a fresh state with the invite and redirects to admin consent.
export async function POST(request: NextRequest, { params }: { params: Promise<{ code: string }> }) {
  return handleStart(request, (await params).code);
}

// GET /consent/<code>/start — writes nothing; back to the consent page.
export async function GET(request: NextRequest, { params }: { params: Promise<{ code: string }> }) {
  return redirectToConsentPage(request, `/consent/${encodeURIComponent((await params).code)}`);
}
