import { sql, type Kysely } from "kysely";

/**
 * Several secrets per API app (issue 15). `app_secrets` is a read table of the project's events and
 * takes over `app_api_configs.client_secret_hash`: each app's one secret moves into it under the id
 * the projection gives a secret set by ZITADEL's events (the sequence of the event that set it, see
 * zitadelSecretId), with that event's date and sequence, so that the migrated rows are exactly what
 * a rebuild makes, last four included where the event has them (secrets set before keygate recorded
 * last fours have none: an empty string).
 * `app_secret_uses` holds when each secret last authenticated: operational data, not derived from
 * events (rebuilds leave it alone), written at most about once a minute per secret.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("app_secrets")
    .addColumn("instance_id", "text", (c) => c.notNull())
    .addColumn("creation_date", "timestamptz", (c) => c.notNull())
    .addColumn("change_date", "timestamptz", (c) => c.notNull())
    .addColumn("sequence", "bigint", (c) => c.notNull())
    .addColumn("app_id", "text", (c) => c.notNull())
    .addColumn("id", "text", (c) => c.notNull())
    .addColumn("project_id", "text", (c) => c.notNull())
    .addColumn("owner", "text", (c) => c.notNull())
    .addColumn("hash", "text", (c) => c.notNull())
    .addColumn("last_four", "text", (c) => c.notNull())
    .addColumn("expiration", "timestamptz")
    .addPrimaryKeyConstraint("app_secrets_pkey", ["instance_id", "app_id", "id"])
    .addForeignKeyConstraint("app_secrets_app_fkey", ["instance_id", "app_id"], "apps", ["instance_id", "id"], (fk) => fk.onDelete("cascade"))
    .execute();

  await sql`
    INSERT INTO app_secrets (instance_id, creation_date, change_date, sequence, app_id, id, project_id, owner, hash, last_four, expiration)
    SELECT c.instance_id, e.created_at, e.created_at, e.sequence, c.app_id, e.sequence::text, a.project_id, a.owner, c.client_secret_hash, e.last_four, NULL
    FROM app_api_configs c
    JOIN apps a ON a.instance_id = c.instance_id AND a.id = c.app_id
    CROSS JOIN LATERAL (
      SELECT ev.created_at, ev.sequence, coalesce(ev.payload->>'lastFour', '') AS last_four FROM events2 ev
      WHERE ev.instance_id = c.instance_id AND ev.aggregate_type = 'project' AND ev.aggregate_id = a.project_id
        AND ev.payload->>'appId' = c.app_id
        AND ev.payload->>'hashedSecret' IS NOT NULL
        AND ev.event_type IN ('project.application.config.api.added', 'project.application.config.api.secret.changed')
      ORDER BY ev.sequence DESC LIMIT 1
    ) e
    WHERE c.client_secret_hash IS NOT NULL`.execute(db);
  await db.schema.alterTable("app_api_configs").dropColumn("client_secret_hash").execute();

  await db.schema
    .createTable("app_secret_uses")
    .addColumn("instance_id", "text", (c) => c.notNull())
    .addColumn("app_id", "text", (c) => c.notNull())
    .addColumn("secret_id", "text", (c) => c.notNull())
    .addColumn("last_used", "timestamptz", (c) => c.notNull())
    .addPrimaryKeyConstraint("app_secret_uses_pkey", ["instance_id", "app_id", "secret_id"])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable("app_secret_uses").execute();
  await db.schema.alterTable("app_api_configs").addColumn("client_secret_hash", "text").execute();
  // The latest secret of each app goes back into the one column; the others are lost.
  await sql`
    UPDATE app_api_configs c SET client_secret_hash = s.hash
    FROM (SELECT DISTINCT ON (instance_id, app_id) instance_id, app_id, hash FROM app_secrets ORDER BY instance_id, app_id, sequence DESC) s
    WHERE s.instance_id = c.instance_id AND s.app_id = c.app_id`.execute(db);
  await db.schema.dropTable("app_secrets").execute();
}
