import type { NextRequest } from "next/server";

import { handleStart, redirectToConsentPage } from "@/app/consent/start-route";

export const dynamic = "force-dynamic";

// POST /consent/start — open onboarding's start, without an invite.
export async function POST(request: NextRequest) {
  return handleStart(request, null);
}

// GET /consent/start — writes nothing; back to the open consent page.
export async function GET(request: NextRequest) {
  return redirectToConsentPage(request, "/consent");
}
