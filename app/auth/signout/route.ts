import { NextResponse, type NextRequest } from "next/server";

import { getConfig } from "@/lib/config";
import { getDb } from "@/lib/db/database";
import { appendAudit } from "@/lib/db/repositories/audit";
import { readPartnerSession, requestOrigin, SESSION_COOKIE } from "@/lib/session/partner-session";

export const dynamic = "force-dynamic";

// POST /auth/signout — ends the partner session.
export async function POST(request: NextRequest) {
  const partner = await readPartnerSession(request.cookies.get(SESSION_COOKIE)?.value);
  if (partner) await appendAudit(await getDb(), { actor: partner.username, action: "partner.signed_out", ...requestOrigin(request.headers) });
  const response = NextResponse.redirect(`${getConfig().publicBaseUrl}/signin?signedOut=1`, 303);
  response.cookies.delete({ name: SESSION_COOKIE, path: "/" });
  return response;
}
