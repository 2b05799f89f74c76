import type { NextRequest } from "next/server";

import { handleStart } from "@/app/consent/start-route";

export const dynamic = "force-dynamic";

// POST|GET /consent/<code>/start — seals a fresh state with the invite and redirects to admin consent.
export async function POST(request: NextRequest, { params }: { params: Promise<{ code: string }> }) {
  return handleStart(request, (await params).code);
}

export async function GET(request: NextRequest, { params }: { params: Promise<{ code: string }> }) {
  return handleStart(request, (await params).code);
}
