import { sql, type Kysely } from "kysely";

/** The event store: events shaped like ZITADEL's events2, aggregate heads, unique constraints. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("events2")
    .addColumn("instance_id", "text", (c) => c.notNull())
    .addColumn("aggregate_type", "text", (c) => c.notNull())
    .addColumn("aggregate_id", "text", (c) => c.notNull())
    .addColumn("event_type", "text", (c) => c.notNull())
    .addColumn("sequence", "bigint", (c) => c.notNull())
    .addColumn("revision", "smallint", (c) => c.notNull())
    .addColumn("created_at", "timestamptz", (c) => c.notNull())
    .addColumn("payload", "jsonb")
    .addColumn("creator", "text", (c) => c.notNull())
    .addColumn("owner", "text", (c) => c.notNull())
    .addColumn("position", "numeric", (c) => c.notNull())
    .addColumn("in_tx_order", "integer", (c) => c.notNull())
    .addPrimaryKeyConstraint("events2_pkey", ["instance_id", "aggregate_type", "aggregate_id", "sequence"])
    .execute();
  await db.schema
    .createIndex("events2_by_type_idx")
    .on("events2")
    .columns(["instance_id", "aggregate_type", "event_type", "position"])
    .execute();
  // ListAppChanges reads one app's events of a project without scanning the project's history.
  await sql`CREATE INDEX events2_app_idx ON events2 (instance_id, aggregate_id, (payload->>'appId'), sequence)`.execute(db);
  await db.schema.createIndex("events2_position_idx").on("events2").columns(["position", "in_tx_order"]).execute();

  await db.schema
    .createTable("aggregates")
    .addColumn("instance_id", "text", (c) => c.notNull())
    .addColumn("aggregate_type", "text", (c) => c.notNull())
    .addColumn("aggregate_id", "text", (c) => c.notNull())
    .addColumn("owner", "text", (c) => c.notNull())
    .addColumn("sequence", "bigint", (c) => c.notNull())
    .addColumn("updated_at", "timestamptz", (c) => c.notNull())
    .addPrimaryKeyConstraint("aggregates_pkey", ["instance_id", "aggregate_type", "aggregate_id"])
    .execute();

  await db.schema
    .createTable("unique_constraints")
    .addColumn("instance_id", "text", (c) => c.notNull())
    .addColumn("unique_type", "text", (c) => c.notNull())
    .addColumn("unique_field", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("unique_constraints_pkey", ["instance_id", "unique_type", "unique_field"])
    .execute();

  // Node ids for the id generator: each starting process takes the next one, so no two running
  // processes share one unless 65536 others started in between.
  await sql`CREATE SEQUENCE node_ids MINVALUE 0 MAXVALUE 65535 START 0 CYCLE`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP SEQUENCE node_ids`.execute(db);
  await db.schema.dropTable("unique_constraints").execute();
  await db.schema.dropTable("aggregates").execute();
  await db.schema.dropTable("events2").execute();
}
