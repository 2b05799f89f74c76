import type { Metadata } from "next";
import { connection } from "next/server";
import type { ReactNode } from "react";

import "./globals.css";

export const metadata: Metadata = {
  title: { default: "Consentry", template: "%s · Consentry" },
  description: "Onboard Microsoft 365 customer tenants through admin consent and prove that app-only access really works.",
  // public/icon.svg, and public/favicon.ico rendered from it (scripts/build-favicon.mjs) for browsers without SVG icons.
  icons: { icon: [{ url: "/icon.svg", type: "image/svg+xml" }, { url: "/favicon.ico", sizes: "16x16 32x32 48x48" }] },
};

/**
 * Every page renders per request: the CSP nonce that proxy.ts makes for each response
 * reaches Next's scripts only when the HTML is rendered for that request, never in a
 * page prerendered at build time (the 404 page included).
 * @see https://nextjs.org/docs/app/guides/content-security-policy#forcing-dynamic-rendering
 */
export default async function RootLayout({ children }: { children: ReactNode }) {
  await connection();
  return (
    <html lang="en">
      <body className="min-h-screen font-sans">
        <a href="#main" className="sr-only focus:not-sr-only focus:absolute focus:left-4 focus:top-4 focus:rounded focus:bg-white focus:px-3 focus:py-2">
          Skip to content
        </a>
        {children}
      </body>
    </html>
  );
}
