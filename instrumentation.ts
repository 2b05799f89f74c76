/**
 * Runs once when a Next.js server starts (dev and production). Validates the settings
 * and opens and migrates the database before the first request, so a bad setting
 * stops the server with one readable paragraph instead of failing on a page later.
 */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { assertStartable } = await import("@/lib/startup");
  const { database } = await assertStartable({ exitOnFailure: true });
  // The app's permissions are its registration's: read them in the background (a slow or unreachable
  // Graph must not hold up serving; until then the last version read, or the APP_PERMISSIONS fallback, applies).
  const { refreshPermissionSet } = await import("@/lib/permissions/registration");
  const { logger } = await import("@/lib/log/logger");
  const { runAsBackgroundWork } = await import("@/lib/log/request-context");
  // The server's own lines (scripts/lib/portal-server.mjs: listening, stopping) go through it from now on.
  (globalThis as Record<symbol, unknown>)[Symbol.for("consentry.logger")] = logger("server");
  void runAsBackgroundWork(() => refreshPermissionSet(database.db).then(
    (refreshed) => {
      if (!refreshed.read.ok) logger("permissions").warn({ code: refreshed.read.code, permissionSetVersion: refreshed.set.version, source: refreshed.set.source }, `${refreshed.read.message} Using permission set version ${refreshed.set.version} (${refreshed.set.source}).`);
    },
    (error: unknown) => logger("permissions").error({ err: error }, "reading the app registration's permissions failed"),
  ));
  // Graceful shutdown: the server calls globalThis[Symbol.for("consentry.shutdown")] on SIGTERM; the
  // workers below register with it, and the database closes last.
  const { installShutdownHook, processShutdown } = await import("@/lib/lifecycle/shutdown");
  processShutdown.register("database", "close", () => database.close());
  installShutdownHook();
  // Bulk re-tests that were running when the server stopped continue where they stopped, and runs
  // started by another instance (or the schedule) are joined, so every instance shares the work.
  const { startBulkRunWatcher } = await import("@/lib/probes/bulk");
  await startBulkRunWatcher(database.db);
  // So do consents that were being proven with a token (their deadlines still apply).
  const { resumeConsentVerifications } = await import("@/lib/consent/verify");
  await resumeConsentVerifications(database.db);
  // Webhooks: the delivery worker sends the outbox (unref'd timers; probing never waits for it),
  // and expiring credentials are announced at start-up and daily.
  const { startWebhookWorker } = await import("@/lib/webhooks/delivery-worker");
  startWebhookWorker(database.db);
  const { startCredentialExpiryChecks } = await import("@/lib/webhooks/credential-expiry");
  startCredentialExpiryChecks(database.db);
  // Scheduled re-tests: every instance checks every 30 s (unref'd timer); exactly one starts each due run.
  const { startRetestScheduler } = await import("@/lib/schedules/scheduler");
  startRetestScheduler(database.db);
}
