/**
 * Runs once when a Next.js server starts (dev and production). Validates the settings
 * and opens and migrates the database before the first request, so a bad setting
 * stops the server with one readable paragraph instead of failing on a page later.
 */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { assertStartable } = await import("@/lib/startup");
  const { database } = await assertStartable({ exitOnFailure: true });
  // The app's permissions are its registration's: read them now (the APP_PERMISSIONS fallback when it cannot be read).
  const { refreshPermissionSet } = await import("@/lib/permissions/registration");
  const refreshed = await refreshPermissionSet(database.db).catch((error: unknown) => ({ error }));
  if ("error" in refreshed) console.error(`Reading the app registration's permissions failed: ${refreshed.error instanceof Error ? refreshed.error.message : String(refreshed.error)}`);
  else if (!refreshed.read.ok) console.warn(`${refreshed.read.message} Using permission set version ${refreshed.set.version} (${refreshed.set.source}).`);
  // Bulk re-tests that were running when the server stopped continue where they stopped.
  const { resumeBulkRuns } = await import("@/lib/probes/bulk");
  await resumeBulkRuns(database.db);
  // So do consents that were being proven with a token (their deadlines still apply).
  const { resumeConsentVerifications } = await import("@/lib/consent/verify");
  await resumeConsentVerifications(database.db);
}
