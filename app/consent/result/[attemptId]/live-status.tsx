"use client";

import { useRouter } from "next/navigation";
import { useEffect, useState } from "react";

/**
 * Polls the attempt's status while Microsoft finishes the consent and re-renders the
 * page the moment it changes. Without JavaScript a meta refresh does the same.
 */
export function LiveStatus({ attemptId, waitFor = "verification", label = "Checking with Microsoft…" }: { attemptId: string; waitFor?: "verification" | "checks"; label?: string }) {
  const router = useRouter();
  const [seconds, setSeconds] = useState(0);
  useEffect(() => {
    let stopped = false;
    const started = Date.now();
    const tick = setInterval(() => setSeconds(Math.round((Date.now() - started) / 1000)), 1000);
    const poll = async () => {
      while (!stopped) {
        await new Promise((r) => setTimeout(r, 1500));
        try {
          const response = await fetch(`/api/consent/attempts/${attemptId}`, { cache: "no-store" });
          if (response.ok) {
            const body = (await response.json()) as { status: string; checks?: string };
            if (waitFor === "verification" ? body.status !== "verifying" : body.checks !== "pending") {
              router.refresh();
              return;
            }
          }
        } catch {
          // keep polling; the network may come back
        }
      }
    };
    void poll();
    return () => {
      stopped = true;
      clearInterval(tick);
    };
  }, [attemptId, router, waitFor]);
  return (
    <p className="mt-2 text-sm text-slate-500" aria-live="polite">
      {label} {seconds > 0 ? `${seconds} s` : ""}
    </p>
  );
}
