"use client";

import { ErrorContent, PublicCard } from "@/app/ui/problem-view";

/**
 * What a page shows when rendering it failed. In production Next sends only a digest
 * to the browser (the message stays in the server log), so that is all we show; the
 * browser's console gets nothing more, since it would only repeat the digest.
 * @see https://nextjs.org/docs/app/api-reference/file-conventions/error
 */
export default function ErrorPage({ error, retry }: { error: unknown; retry: () => void }) {
  const digest = error instanceof Error ? (error as Error & { digest?: string }).digest : undefined;
  return (
    <PublicCard>
      <title>Something went wrong · Consentry</title>
      <ErrorContent digest={digest} retry={retry} />
    </PublicCard>
  );
}
