import type { Kysely } from "kysely";

/**
 * Project roles, one row per role of a project, keyed by the exact role key. Existing databases have
 * no role events yet (keygate appended none before this migration), so the table starts empty.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("project_roles")
    .addColumn("instance_id", "text", (c) => c.notNull())
    .addColumn("project_id", "text", (c) => c.notNull())
    .addColumn("key", "text", (c) => c.notNull())
    .addColumn("owner", "text", (c) => c.notNull())
    .addColumn("display_name", "text", (c) => c.notNull())
    .addColumn("role_group", "text", (c) => c.notNull())
    .addColumn("creation_date", "timestamptz", (c) => c.notNull())
    .addColumn("change_date", "timestamptz", (c) => c.notNull())
    .addColumn("sequence", "bigint", (c) => c.notNull())
    .addPrimaryKeyConstraint("project_roles_pkey", ["instance_id", "project_id", "key"])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable("project_roles").execute();
}
