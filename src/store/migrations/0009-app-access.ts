import { sql, type Kysely } from "kysely";

/**
 * Roles on apps and tokens for apps (issue 15 item 3): the project roles each API app holds, its
 * opt-in to the client credentials grant, and the tokens apps obtained for themselves. Existing
 * databases have none of their events yet, so the tables start empty and every app starts opted out.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("app_roles")
    .addColumn("instance_id", "text", (c) => c.notNull())
    .addColumn("app_id", "text", (c) => c.notNull())
    .addColumn("role_key", "text", (c) => c.notNull())
    .addColumn("project_id", "text", (c) => c.notNull())
    .addColumn("owner", "text", (c) => c.notNull())
    .addColumn("creation_date", "timestamptz", (c) => c.notNull())
    .addColumn("sequence", "bigint", (c) => c.notNull())
    .addPrimaryKeyConstraint("app_roles_pkey", ["instance_id", "app_id", "role_key"])
    .execute();
  // A removed project role is taken from the apps holding it: found by project and key.
  await db.schema.createIndex("app_roles_project_role_idx").on("app_roles").columns(["instance_id", "project_id", "role_key"]).execute();

  await db.schema
    .alterTable("app_api_configs")
    .addColumn("client_credentials", "boolean", (c) => c.notNull().defaultTo(false))
    .addColumn("client_credentials_token_type", "integer", (c) => c.notNull().defaultTo(0))
    .execute();

  await db.schema
    .createTable("app_access_tokens")
    .addColumn("instance_id", "text", (c) => c.notNull())
    .addColumn("id", "text", (c) => c.notNull())
    .addColumn("creation_date", "timestamptz", (c) => c.notNull())
    .addColumn("change_date", "timestamptz", (c) => c.notNull())
    .addColumn("sequence", "bigint", (c) => c.notNull())
    .addColumn("app_id", "text", (c) => c.notNull())
    .addColumn("project_id", "text", (c) => c.notNull())
    .addColumn("owner", "text", (c) => c.notNull())
    .addColumn("client_id", "text", (c) => c.notNull())
    .addColumn("audience", sql`text[]`, (c) => c.notNull())
    .addColumn("scopes", sql`text[]`, (c) => c.notNull())
    .addColumn("auth_method", "text", (c) => c.notNull())
    .addColumn("token_type", "text", (c) => c.notNull())
    .addColumn("token_digest", "text")
    .addColumn("key_id", "text")
    .addColumn("secret_id", "text")
    .addColumn("expiration", "timestamptz", (c) => c.notNull())
    .addPrimaryKeyConstraint("app_access_tokens_pkey", ["instance_id", "id"])
    .execute();
  await sql`CREATE UNIQUE INDEX app_access_tokens_digest_idx ON app_access_tokens (token_digest) WHERE token_digest IS NOT NULL`.execute(db);
  await db.schema.createIndex("app_access_tokens_app_idx").on("app_access_tokens").columns(["instance_id", "app_id"]).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable("app_access_tokens").execute();
  await db.schema.alterTable("app_api_configs").dropColumn("client_credentials_token_type").dropColumn("client_credentials").execute();
  await db.schema.dropTable("app_roles").execute();
}
