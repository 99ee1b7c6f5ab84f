import { sql, type Kysely } from "kysely";

/**
 * Service users' credentials: the access token type and the hash of the client secret on the user
 * row, and their keys (public keys only). No event before this migration produced any of them, so
 * the defaults are what a rebuild writes.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable("users")
    .addColumn("access_token_type", "smallint", (c) => c.notNull().defaultTo(0))
    .addColumn("secret_hash", "text")
    .execute();
  // The token endpoint finds a service user by its user name (the client id) across orgs.
  await db.schema.createIndex("users_user_name_idx").on("users").columns(["user_name"]).execute();

  await db.schema
    .createTable("machine_keys")
    .addColumn("instance_id", "text", (c) => c.notNull())
    .addColumn("creation_date", "timestamptz", (c) => c.notNull())
    .addColumn("change_date", "timestamptz", (c) => c.notNull())
    .addColumn("sequence", "bigint", (c) => c.notNull())
    .addColumn("id", "text", (c) => c.notNull())
    .addColumn("user_id", "text", (c) => c.notNull())
    .addColumn("owner", "text", (c) => c.notNull())
    .addColumn("type", "smallint", (c) => c.notNull())
    .addColumn("expiration", "timestamptz", (c) => c.notNull())
    .addColumn("public_key", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("machine_keys_pkey", ["instance_id", "id"])
    .execute();
  // The token endpoint looks a key up by user and key id before it knows the instance.
  await sql`CREATE INDEX machine_keys_user_idx ON machine_keys (user_id, id)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable("machine_keys").execute();
  await db.schema.dropIndex("users_user_name_idx").execute();
  await db.schema.alterTable("users").dropColumn("secret_hash").dropColumn("access_token_type").execute();
}
