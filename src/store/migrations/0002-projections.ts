import { sql, type CreateTableBuilder, type Kysely } from "kysely";

/** Read tables, updated in the same transaction as the events they derive from. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("instances")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("creation_date", "timestamptz", (c) => c.notNull())
    .execute();

  await projected(db.schema.createTable("orgs"))
    .addColumn("id", "text", (c) => c.notNull())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("state", "smallint", (c) => c.notNull())
    .addColumn("primary_domain", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("orgs_pkey", ["instance_id", "id"])
    .execute();

  await projected(db.schema.createTable("projects"))
    .addColumn("id", "text", (c) => c.notNull())
    .addColumn("owner", "text", (c) => c.notNull())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("state", "smallint", (c) => c.notNull())
    .addColumn("project_role_assertion", "boolean", (c) => c.notNull())
    .addColumn("project_role_check", "boolean", (c) => c.notNull())
    .addColumn("has_project_check", "boolean", (c) => c.notNull())
    .addColumn("private_labeling_setting", "smallint", (c) => c.notNull())
    .addPrimaryKeyConstraint("projects_pkey", ["instance_id", "id"])
    .execute();
  await db.schema.createIndex("projects_owner_idx").on("projects").columns(["instance_id", "owner", "id"]).execute();

  await projected(db.schema.createTable("apps"))
    .addColumn("id", "text", (c) => c.notNull())
    .addColumn("project_id", "text", (c) => c.notNull())
    .addColumn("owner", "text", (c) => c.notNull())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("state", "smallint", (c) => c.notNull())
    .addPrimaryKeyConstraint("apps_pkey", ["instance_id", "id"])
    .execute();
  // Lists page through one project's apps in id order, without visiting other projects' apps; the
  // included columns let a list count its matches (org check, latest sequence) from the index alone.
  await sql`CREATE INDEX apps_project_idx ON apps (instance_id, project_id, id) INCLUDE (owner, sequence, name)`.execute(db);

  await db.schema
    .createTable("app_api_configs")
    .addColumn("instance_id", "text", (c) => c.notNull())
    .addColumn("app_id", "text", (c) => c.notNull())
    .addColumn("client_id", "text", (c) => c.notNull())
    .addColumn("client_secret_hash", "text")
    .addColumn("auth_method", "smallint", (c) => c.notNull())
    .addPrimaryKeyConstraint("app_api_configs_pkey", ["instance_id", "app_id"])
    .addForeignKeyConstraint("app_api_configs_app_fkey", ["instance_id", "app_id"], "apps", ["instance_id", "id"], (fk) => fk.onDelete("cascade"))
    .execute();
  await db.schema.createIndex("app_api_configs_client_idx").on("app_api_configs").columns(["instance_id", "client_id"]).execute();

  await projected(db.schema.createTable("app_keys"))
    .addColumn("id", "text", (c) => c.notNull())
    .addColumn("project_id", "text", (c) => c.notNull())
    .addColumn("app_id", "text", (c) => c.notNull())
    .addColumn("owner", "text", (c) => c.notNull())
    .addColumn("client_id", "text", (c) => c.notNull())
    .addColumn("type", "smallint", (c) => c.notNull())
    .addColumn("expiration", "timestamptz", (c) => c.notNull())
    .addColumn("public_key", "text", (c) => c.notNull())
    .addColumn("enabled", "boolean", (c) => c.notNull())
    .addPrimaryKeyConstraint("app_keys_pkey", ["instance_id", "id"])
    .addForeignKeyConstraint("app_keys_app_fkey", ["instance_id", "app_id"], "apps", ["instance_id", "id"], (fk) => fk.onDelete("cascade"))
    .execute();
  await db.schema.createIndex("app_keys_app_idx").on("app_keys").columns(["instance_id", "app_id", "id"]).execute();

  await projected(db.schema.createTable("users"))
    .addColumn("id", "text", (c) => c.notNull())
    .addColumn("owner", "text", (c) => c.notNull())
    .addColumn("user_name", "text", (c) => c.notNull())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("description", "text", (c) => c.notNull())
    .addColumn("state", "smallint", (c) => c.notNull())
    .addPrimaryKeyConstraint("users_pkey", ["instance_id", "id"])
    .execute();
  await db.schema.createIndex("users_owner_idx").on("users").columns(["instance_id", "owner", "id"]).execute();

  await projected(db.schema.createTable("personal_access_tokens"))
    .addColumn("id", "text", (c) => c.notNull())
    .addColumn("user_id", "text", (c) => c.notNull())
    .addColumn("owner", "text", (c) => c.notNull())
    .addColumn("token_digest", "text", (c) => c.notNull())
    .addColumn("expiration", "timestamptz", (c) => c.notNull())
    .addPrimaryKeyConstraint("personal_access_tokens_pkey", ["instance_id", "id"])
    .execute();
  await db.schema.createIndex("personal_access_tokens_digest_idx").on("personal_access_tokens").column("token_digest").unique().execute();

  await projected(db.schema.createTable("members"))
    .addColumn("aggregate_type", "text", (c) => c.notNull())
    .addColumn("aggregate_id", "text", (c) => c.notNull())
    .addColumn("user_id", "text", (c) => c.notNull())
    .addColumn("owner", "text", (c) => c.notNull())
    .addColumn("roles", sql`text[]`, (c) => c.notNull())
    .addPrimaryKeyConstraint("members_pkey", ["instance_id", "aggregate_type", "aggregate_id", "user_id"])
    .execute();
  await db.schema.createIndex("members_user_idx").on("members").columns(["instance_id", "user_id"]).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ["members", "personal_access_tokens", "users", "app_keys", "app_api_configs", "apps", "projects", "orgs", "instances"]) {
    await db.schema.dropTable(table).execute();
  }
}

/** Columns every projected row has: its instance, dates and the sequence of the last event applied. */
function projected<T extends string>(table: CreateTableBuilder<T, never>) {
  return table
    .addColumn("instance_id", "text", (c) => c.notNull())
    .addColumn("creation_date", "timestamptz", (c) => c.notNull())
    .addColumn("change_date", "timestamptz", (c) => c.notNull())
    .addColumn("sequence", "bigint", (c) => c.notNull());
}
