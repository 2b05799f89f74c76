import type { NextRequest } from "next/server";

import { handleStart } from "@/app/consent/start-route";

export const dynamic = "force-dynamic";

// POST|GET /consent/start — open onboarding's start, without an invite.
export async function POST(request: NextRequest) {
  return handleStart(request, null);
}

export async function GET(request: NextRequest) {
  return handleStart(request, null);
}
