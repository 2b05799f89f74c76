"use client";

import { ErrorContent, PublicCard } from "@/app/ui/problem-view";

import "./globals.css";

/**
 * Replaces the root layout when it fails itself, so it brings its own <html>, <body>
 * and styles; metadata exports do not apply here, hence the <title> element.
 * @see https://nextjs.org/docs/app/api-reference/file-conventions/error#global-error
 */
export default function GlobalError({ error, retry }: { error: unknown; retry: () => void }) {
  const digest = error instanceof Error ? (error as Error & { digest?: string }).digest : undefined;
  return (
    <html lang="en">
      <body className="min-h-screen font-sans">
        <title>Something went wrong · Consentry</title>
        <PublicCard>
          <ErrorContent digest={digest} retry={retry} />
        </PublicCard>
      </body>
    </html>
  );
}
