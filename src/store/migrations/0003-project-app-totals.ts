import { sql, type Kysely } from "kysely";

/**
 * Projects carry how many apps they have and the sequence of the latest event applied to their apps,
 * so an unfiltered ListApps reads its total from one row instead of counting up to 100k apps.
 * Existing rows are filled with what the projects projection would have written (what a rebuild writes).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable("projects")
    .addColumn("app_count", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("apps_sequence", "bigint", (c) => c.notNull().defaultTo(0))
    .execute();
  // The app events the projection counts as changes of a project's apps (key events are not).
  await sql`
    UPDATE projects p SET
      app_count = (SELECT count(*) FROM apps a WHERE a.instance_id = p.instance_id AND a.project_id = p.id),
      apps_sequence = coalesce((
        SELECT max(e.sequence) FROM events2 e
        WHERE e.instance_id = p.instance_id AND e.aggregate_type = 'project' AND e.aggregate_id = p.id
          AND e.event_type IN (
            'project.application.added', 'project.application.changed', 'project.application.deactivated',
            'project.application.reactivated', 'project.application.removed', 'project.application.config.api.added',
            'project.application.config.api.changed', 'project.application.config.api.secret.changed')
      ), 0)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable("projects").dropColumn("apps_sequence").dropColumn("app_count").execute();
}
