import { sql, type Kysely } from "kysely";

/**
 * The instance's token-signing keys and the tokens it issued (read tables of `key_pair` and
 * `oidc_session` events), and the client assertions already used (not derived from events: a
 * record of replay protection that may be lost without harm beyond the assertions' short lives).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("signing_keys")
    .addColumn("instance_id", "text", (c) => c.notNull())
    .addColumn("id", "text", (c) => c.notNull())
    .addColumn("creation_date", "timestamptz", (c) => c.notNull())
    .addColumn("change_date", "timestamptz", (c) => c.notNull())
    .addColumn("sequence", "bigint", (c) => c.notNull())
    .addColumn("algorithm", "text", (c) => c.notNull())
    .addColumn("public_key", "text", (c) => c.notNull())
    .addColumn("private_key_encrypted", "text", (c) => c.notNull())
    .addColumn("signs_until", "timestamptz", (c) => c.notNull())
    .addColumn("published_until", "timestamptz", (c) => c.notNull())
    .addPrimaryKeyConstraint("signing_keys_pkey", ["instance_id", "id"])
    .execute();

  await db.schema
    .createTable("access_tokens")
    .addColumn("instance_id", "text", (c) => c.notNull())
    .addColumn("id", "text", (c) => c.notNull())
    .addColumn("creation_date", "timestamptz", (c) => c.notNull())
    .addColumn("change_date", "timestamptz", (c) => c.notNull())
    .addColumn("sequence", "bigint", (c) => c.notNull())
    .addColumn("user_id", "text", (c) => c.notNull())
    .addColumn("owner", "text", (c) => c.notNull())
    .addColumn("client_id", "text", (c) => c.notNull())
    .addColumn("audience", sql`text[]`, (c) => c.notNull())
    .addColumn("scopes", sql`text[]`, (c) => c.notNull())
    .addColumn("auth_method", "text", (c) => c.notNull())
    .addColumn("token_type", "text")
    .addColumn("token_digest", "text")
    .addColumn("key_id", "text")
    .addColumn("expiration", "timestamptz")
    .addPrimaryKeyConstraint("access_tokens_pkey", ["instance_id", "id"])
    .execute();
  await sql`CREATE UNIQUE INDEX access_tokens_digest_idx ON access_tokens (token_digest) WHERE token_digest IS NOT NULL`.execute(db);
  await db.schema.createIndex("access_tokens_user_idx").on("access_tokens").columns(["instance_id", "user_id"]).execute();

  await db.schema
    .createTable("used_client_assertions")
    .addColumn("instance_id", "text", (c) => c.notNull())
    .addColumn("issuer", "text", (c) => c.notNull())
    .addColumn("jti", "text", (c) => c.notNull())
    .addColumn("expires_at", "timestamptz", (c) => c.notNull())
    .addPrimaryKeyConstraint("used_client_assertions_pkey", ["instance_id", "issuer", "jti"])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable("used_client_assertions").execute();
  await db.schema.dropTable("access_tokens").execute();
  await db.schema.dropTable("signing_keys").execute();
}
