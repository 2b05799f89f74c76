import { NextResponse, type NextRequest } from "next/server";

import { startPartnerSignIn } from "@/lib/auth/partner-sign-in";
import { renderErrorPage } from "@/lib/consent/problem-page";

export const dynamic = "force-dynamic";

// GET /auth/signin — starts partner sign-in (authorization code + PKCE).
export async function GET(request: NextRequest) {
  try {
    const { url, cookie } = await startPartnerSignIn(request.nextUrl.searchParams.get("returnTo"));
    const response = NextResponse.redirect(url, 303);
    response.cookies.set(cookie.name, cookie.value, cookie.options);
    return response;
  } catch (error) {
    return renderErrorPage(error);
  }
}
