import { NextResponse, type NextRequest } from "next/server";

/**
 * Tells pages which path was requested, so requirePartner() can send a signed-out
 * visitor to sign-in and back. Authorization itself happens in each page and action.
 */
export function proxy(request: NextRequest) {
  const headers = new Headers(request.headers);
  headers.set("x-consentry-path", `${request.nextUrl.pathname}${request.nextUrl.search}`);
  return NextResponse.next({ request: { headers } });
}

export const config = { matcher: ["/dashboard/:path*"] };
