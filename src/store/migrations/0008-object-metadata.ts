import type { Kysely } from "kysely";

/**
 * keygate.v1's metadata of apps and projects (issue 15): description, labels (a JSON object of
 * strings, filtered by label selectors), owner contacts (a JSON array of e-mail addresses) and, for
 * apps, a version. No event carried metadata before this migration, so the defaults are what a
 * rebuild writes for existing rows.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  for (const table of ["projects", "apps"]) {
    await db.schema
      .alterTable(table)
      .addColumn("description", "text", (c) => c.notNull().defaultTo(""))
      .addColumn("labels", "jsonb", (c) => c.notNull().defaultTo("{}"))
      .addColumn("owner_contacts", "jsonb", (c) => c.notNull().defaultTo("[]"))
      .execute();
  }
  await db.schema.alterTable("apps").addColumn("version", "text", (c) => c.notNull().defaultTo("")).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable("apps").dropColumn("version").execute();
  for (const table of ["projects", "apps"]) {
    await db.schema.alterTable(table).dropColumn("owner_contacts").dropColumn("labels").dropColumn("description").execute();
  }
}
