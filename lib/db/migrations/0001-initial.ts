import { sql, type Expression, type Kysely, type SqlBool } from "kysely";

/**
 * The first schema. Only portable types (text, integer) so SQLite and PostgreSQL end
 * up with the same tables, columns, keys and indexes.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations must not depend on today's table types
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("permission_sets")
    .addColumn("version", "integer", (c) => c.primaryKey().notNull())
    .addColumn("label", "text", (c) => c.notNull())
    .addColumn("permissions", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("tenants")
    .addColumn("id", "text", (c) => c.primaryKey().notNull())
    .addColumn("display_name", "text")
    .addColumn("initial_domain", "text")
    .addColumn("default_domain", "text")
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("consented_permission_set_version", "integer", (c) => c.references("permission_sets.version"))
    .addColumn("roles", "text", (c) => c.notNull().defaultTo("[]"))
    .addColumn("test_mailbox", "text")
    .addColumn("consented_by", "text")
    .addColumn("consented_at", "text")
    .addColumn("verified_at", "text")
    .addColumn("last_probe_run_id", "text")
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .addCheckConstraint("tenants_status_check", sqlIn("status", ["verifying", "consented", "failed", "revoked", "deleted"]))
    .execute();
  await db.schema.createIndex("tenants_status_idx").on("tenants").columns(["status", "updated_at"]).execute();

  await db.schema
    .createTable("invites")
    .addColumn("id", "text", (c) => c.primaryKey().notNull())
    .addColumn("code_hash", "text", (c) => c.notNull().unique())
    .addColumn("customer_name", "text", (c) => c.notNull())
    .addColumn("tenant_hint", "text")
    .addColumn("permission_set_version", "integer", (c) => c.notNull().references("permission_sets.version"))
    .addColumn("created_by", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("expires_at", "text", (c) => c.notNull())
    .addColumn("revoked_at", "text")
    .addColumn("revoked_by", "text")
    .addColumn("opened_at", "text")
    .addColumn("consented_at", "text")
    .addColumn("failed_at", "text")
    .addColumn("last_error", "text")
    .addColumn("tenant_id", "text", (c) => c.references("tenants.id").onDelete("set null"))
    .execute();
  await db.schema.createIndex("invites_created_at_idx").on("invites").column("created_at").execute();
  await db.schema.createIndex("invites_tenant_id_idx").on("invites").column("tenant_id").execute();

  await db.schema
    .createTable("consent_events")
    .addColumn("id", "text", (c) => c.primaryKey().notNull())
    .addColumn("invite_id", "text", (c) => c.references("invites.id").onDelete("set null"))
    .addColumn("tenant_id", "text")
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("verified", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("error_code", "text")
    .addColumn("error_description", "text")
    .addColumn("trace_id", "text")
    .addColumn("correlation_id", "text")
    .addColumn("details", "text")
    .addColumn("ip", "text")
    .addColumn("user_agent", "text")
    .addColumn("created_at", "text", (c) => c.notNull())
    .addCheckConstraint("consent_events_kind_check", sqlIn("kind", ["opened", "started", "callback", "verified", "failed"]))
    .addCheckConstraint("consent_events_verified_check", sqlIn("verified", [0, 1]))
    .execute();
  await db.schema.createIndex("consent_events_invite_idx").on("consent_events").columns(["invite_id", "created_at"]).execute();
  await db.schema.createIndex("consent_events_tenant_idx").on("consent_events").columns(["tenant_id", "created_at"]).execute();

  await db.schema
    .createTable("bulk_runs")
    .addColumn("id", "text", (c) => c.primaryKey().notNull())
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("requested_by", "text", (c) => c.notNull())
    .addColumn("total", "integer", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("finished_at", "text")
    .addCheckConstraint("bulk_runs_status_check", sqlIn("status", ["running", "completed", "cancelled"]))
    .execute();

  await db.schema
    .createTable("probe_runs")
    .addColumn("id", "text", (c) => c.primaryKey().notNull())
    .addColumn("tenant_id", "text", (c) => c.notNull().references("tenants.id").onDelete("cascade"))
    .addColumn("bulk_run_id", "text", (c) => c.references("bulk_runs.id").onDelete("set null"))
    .addColumn("trigger", "text", (c) => c.notNull())
    .addColumn("iterations", "integer", (c) => c.notNull().defaultTo(1))
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("started_at", "text", (c) => c.notNull())
    .addColumn("finished_at", "text")
    .addColumn("summary", "text")
    .addCheckConstraint("probe_runs_status_check", sqlIn("status", ["running", "passed", "failed", "error"]))
    .execute();
  await db.schema.createIndex("probe_runs_tenant_idx").on("probe_runs").columns(["tenant_id", "started_at"]).execute();

  await db.schema
    .createTable("bulk_run_items")
    .addColumn("bulk_run_id", "text", (c) => c.notNull().references("bulk_runs.id").onDelete("cascade"))
    .addColumn("tenant_id", "text", (c) => c.notNull().references("tenants.id").onDelete("cascade"))
    .addColumn("state", "text", (c) => c.notNull())
    .addColumn("lease_owner", "text")
    .addColumn("lease_expires_at", "text")
    .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("probe_run_id", "text", (c) => c.references("probe_runs.id").onDelete("set null"))
    .addColumn("updated_at", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("bulk_run_items_pk", ["bulk_run_id", "tenant_id"])
    .addCheckConstraint("bulk_run_items_state_check", sqlIn("state", ["queued", "leased", "done", "failed"]))
    .execute();
  await db.schema.createIndex("bulk_run_items_state_idx").on("bulk_run_items").columns(["bulk_run_id", "state"]).execute();

  await db.schema
    .createTable("probe_results")
    .addColumn("id", "text", (c) => c.primaryKey().notNull())
    .addColumn("run_id", "text", (c) => c.notNull().references("probe_runs.id").onDelete("cascade"))
    .addColumn("iteration", "integer", (c) => c.notNull().defaultTo(1))
    .addColumn("probe", "text", (c) => c.notNull())
    .addColumn("permission", "text")
    .addColumn("outcome", "text", (c) => c.notNull())
    .addColumn("http_status", "integer")
    .addColumn("latency_ms", "integer")
    .addColumn("request_id", "text")
    .addColumn("error_code", "text")
    .addColumn("error_message", "text")
    .addColumn("finding", "text")
    .addColumn("created_at", "text", (c) => c.notNull())
    .addCheckConstraint("probe_results_outcome_check", sqlIn("outcome", ["pass", "fail", "skip", "error"]))
    .execute();
  await db.schema.createIndex("probe_results_run_idx").on("probe_results").columns(["run_id", "probe"]).execute();

  await db.schema
    .createTable("audit_log")
    .addColumn("id", "text", (c) => c.primaryKey().notNull())
    .addColumn("at", "text", (c) => c.notNull())
    .addColumn("actor", "text", (c) => c.notNull())
    .addColumn("action", "text", (c) => c.notNull())
    .addColumn("target", "text")
    .addColumn("details", "text")
    .addColumn("ip", "text")
    .addColumn("user_agent", "text")
    .execute();
  await db.schema.createIndex("audit_log_at_idx").on("audit_log").column("at").execute();
}

function sqlIn(column: string, values: (string | number)[]): Expression<SqlBool> {
  return sql<SqlBool>`${sql.ref(column)} in (${sql.join(values.map((v) => sql.lit(v)))})`;
}
