"use client";

import { useSyncExternalStore } from "react";

const noSubscription = () => () => {};

/** A UTC instant in the viewer's own time zone. The server cannot know that zone, so it renders nothing there and the browser fills it in. */
export function LocalTime({ iso }: { iso: string }) {
  const text = useSyncExternalStore(
    noSubscription,
    () => new Date(iso).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short", timeZoneName: "short" }),
    () => null,
  );
  return text ? <span data-testid="local-time">({text} your time)</span> : null;
}
